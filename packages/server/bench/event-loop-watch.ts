import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** What stalled a process's event loop during a run (ms). */
export interface EventLoopReport {
  /** How long a 1 ms timer took (ms): 1 when nothing blocks the loop; percentiles over the window. */
  delayP50: number;
  delayP99: number;
  delayMax: number;
  /** Garbage-collection pauses: how many, their total and the longest. */
  gcCount: number;
  gcTotal: number;
  gcMax: number;
}

/**
 * Watches the event loop of the process it runs in: how late a 1 ms timer fires (anything that
 * blocks the loop shows here: a long synchronous SQLite statement, a big JSON) and the GC pauses.
 * `reset()` starts a window, `read()` reports it.
 */
export function watchEventLoop() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gc = { count: 0, total: 0, max: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.total += entry.duration;
      gc.max = Math.max(gc.max, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
  return {
    reset(): null {
      delay.reset();
      gc = { count: 0, total: 0, max: 0 };
      return null;
    },
    read(): EventLoopReport {
      return {
        delayP50: ms(delay.percentile(50)),
        delayP99: ms(delay.percentile(99)),
        delayMax: ms(delay.max),
        gcCount: gc.count,
        gcTotal: Math.round(gc.total * 100) / 100,
        gcMax: Math.round(gc.max * 100) / 100,
      };
    },
  };
}

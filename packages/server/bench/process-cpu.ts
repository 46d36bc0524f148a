import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) a process has used so far, all its threads together: from
 * /proc/<pid>/stat on Linux; undefined elsewhere. In 10 ms ticks: read it over seconds of load.
 */
export function processCpuMs(pid: number): number | undefined {
  return cpuMsOf(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread alone (its thread id is its pid): a Node process's event
 * loop, which bounds what one process serves; the GC and libuv helper threads are left out.
 */
export function mainThreadCpuMs(pid: number): number | undefined {
  return cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMsOf(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return undefined;
  }
}

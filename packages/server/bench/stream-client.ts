import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:http';
import { type LatencySummary, summarize } from './percentiles.js';

/** Time to first body byte and to the end of one streamed answer (ms). */
export interface StreamTiming {
  ttfb: number;
  total: number;
}

export interface StreamTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A streaming run: TTFB and full-time percentiles. */
export interface StreamResult {
  ttfb: LatencySummary;
  total: LatencySummary;
  failures: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** POSTs one streaming request and times its first body byte and its end. */
export function streamOnce(
  target: StreamTarget,
  signal?: AbortSignal,
  onFirstByte?: () => void,
): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttfb = -1;
    const req = request(
      target.url,
      { agent, method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, signal },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`status ${res.statusCode}`));
        }
        res.on('data', () => {
          if (ttfb >= 0) return;
          ttfb = performance.now() - started;
          onFirstByte?.();
        });
        res.on('end', () => resolve({ ttfb, total: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(target.body);
  });
}

/** `count` streamed requests, `concurrency` at a time. */
export async function runStreams(
  target: StreamTarget,
  count: number,
  concurrency: number,
): Promise<StreamResult> {
  const timings: StreamTiming[] = [];
  let failures = 0;
  let next = 0;
  async function worker() {
    while (next < count) {
      next++;
      try {
        timings.push(await streamOnce(target));
      } catch {
        failures++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    ttfb: summarize(timings.map((t) => t.ttfb)),
    total: summarize(timings.map((t) => t.total)),
    failures,
  };
}

/**
 * Opens `count` streams and resolves once every one has received its first byte (or failed),
 * with a function that aborts them all.
 */
export async function holdStreams(
  target: StreamTarget,
  count: number,
): Promise<{ open: number; failures: number; abort(): Promise<void> }> {
  const controller = new AbortController();
  // One signal aborts every held stream: it has `count` listeners by design.
  setMaxListeners(0, controller.signal);
  let open = 0;
  let failures = 0;
  const all: Promise<unknown>[] = [];
  await new Promise<void>((resolve) => {
    const check = () => {
      if (open + failures === count) resolve();
    };
    for (let i = 0; i < count; i++) {
      let started = false;
      all.push(
        streamOnce(target, controller.signal, () => {
          started = true;
          open++;
          check();
        }).catch(() => {
          if (started || controller.signal.aborted) return;
          failures++;
          check();
        }),
      );
    }
  });
  return {
    open,
    failures,
    async abort() {
      controller.abort();
      await Promise.allSettled(all);
    },
  };
}

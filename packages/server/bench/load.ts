import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { type LatencySummary, summarize } from './percentiles.js';

/** One non-streaming load run against one target. */
export interface LoadResult extends LatencySummary {
  /** Mean 2xx requests per second. */
  rps: number;
  /** Answers that were not 2xx, plus socket errors and timeouts. */
  failures: number;
}

export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  durationSeconds: number;
  connections: number;
  /**
   * autocannon's `overallRate`: a per-second quota each connection sends closed-loop, in a burst
   * at the start of each second (not evenly spaced: for latency at a rate use `runOpenLoop`).
   * Unset: as fast as the target answers.
   */
  rate?: number;
}

/**
 * Drives `POST url` with autocannon. Latencies are collected from its `response` events, which
 * carry sub-millisecond durations (its own histogram rounds to whole milliseconds).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samples: number[] = [];
  let failures = 0;
  const instance: EventEmitter & PromiseLike<autocannon.Result> = autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
  }) as never;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    else failures++;
  });
  const result = await instance;
  return {
    ...summarize(samples),
    rps: samples.length / options.durationSeconds,
    failures: failures + result.errors + result.timeouts,
  };
}

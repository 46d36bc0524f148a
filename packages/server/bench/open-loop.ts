import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Pool } from 'undici';
import type { LoadResult } from './load.js';
import { summarize } from './percentiles.js';

export interface OpenLoopOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Arrivals per second, evenly spaced (one every `1000 / rate` ms). */
  rate: number;
  /** Length of the measured window; `rps` is the 2xx answers of its arrivals over this. */
  durationSeconds: number;
  /** Arrivals at the same pace before the measured window, not recorded (connections, JIT). Default 1. */
  warmupSeconds?: number;
  /** Arrivals that find this many requests still unanswered are not sent and count as failures. Default 2,000. */
  maxInFlight?: number;
}

/** How long answers to the last arrivals may take before those still in flight count as failures. */
const DRAIN_MS = 1_000;
/** undici opens connections as needed, up to this many, one request at a time on each. */
const CONNECTIONS = 256;
/**
 * The pacing thread's sleep ends about 0.1 ms late (measured p50 0.12 ms); it sleeps until this
 * long before each arrival and spins the rest, which halves the lag for a few % of a CPU.
 */
const SPIN_MS = 0.1;

/**
 * Latency at a fixed rate, open-loop (the wrk2 model): `POST url` at `rate` arrivals per second,
 * evenly spaced, each sent when its time comes whether or not earlier ones were answered, and
 * timed from its *scheduled* send time to the end of its answer's body. A late generator or a
 * queue in the target therefore counts against the target (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection a quota per one-second interval,
 * and the connections send closed-loop, as fast as answers come, until the quota is spent, then
 * wait for the interval to reset (`_doRequest` / `rateInterval` in autocannon's httpClient.js).
 * Every second thus starts with a burst on all 50 connections, and its latencies are those of the
 * burst's queue: the direct upstream measured 4.17 ms p50 "at 500/s" against 0.46 ms sequential.
 *
 * The arrivals are paced by a worker thread that sleeps in `Atomics.wait` until each scheduled
 * time and then wakes this thread, which sends every arrival whose time has come (catching up
 * if it ran late). Timers on this thread fire on a millisecond clock, measured 0.6 ms p50 late,
 * more than the answer time of the targets; the worker wakes it about 0.07 ms late (p50),
 * and spins for at most `SPIN_MS` per arrival, not a whole CPU the targets need.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const intervalMs = 1_000 / options.rate;
  const warmup = Math.round((options.warmupSeconds ?? 1) * options.rate);
  const total = warmup + Math.round(options.durationSeconds * options.rate);
  const maxInFlight = options.maxInFlight ?? 2_000;
  const url = new URL(options.url);
  const path = url.pathname + url.search;
  const headers = { 'content-type': 'application/json', ...options.headers };
  const pool = new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1 });

  const samples: number[] = [];
  let failures = 0;
  /** Measured arrivals sent and not yet settled: failures if still so at the end. */
  let measuredInFlight = 0;
  let inFlight = 0;
  let closed = false;
  let onIdle: (() => void) | undefined;

  let start = 0n;
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;

  async function send(index: number) {
    const measured = index >= warmup;
    const scheduled = index * intervalMs;
    inFlight++;
    if (measured) measuredInFlight++;
    let ok = false;
    try {
      const res = await pool.request({ path, method: 'POST', headers, body: options.body });
      await res.body.arrayBuffer();
      ok = res.statusCode >= 200 && res.statusCode < 300;
    } catch {
      // A socket error, or the pool destroyed at the end: a failure either way.
    }
    const latency = elapsedMs() - scheduled;
    inFlight--;
    if (closed) return;
    if (measured) {
      measuredInFlight--;
      if (ok) samples.push(latency);
      else failures++;
    }
    if (inFlight === 0) onIdle?.();
  }

  let next = 0;
  function sendDue() {
    const now = elapsedMs();
    while (next < total && next * intervalMs <= now) {
      if (inFlight >= maxInFlight) {
        if (next >= warmup) failures++;
      } else {
        void send(next);
      }
      next++;
    }
  }

  const stop = new Int32Array(new SharedArrayBuffer(4));
  const ticker = new Worker(TICKER, { eval: true, workerData: { stop, intervalMs, total } });
  try {
    await once(ticker, 'online');
    start = process.hrtime.bigint();
    ticker.postMessage(start);
    ticker.on('message', sendDue);
    await new Promise<void>((resolve, reject) => {
      ticker.once('error', reject);
      ticker.on('message', () => next === total && resolve());
    });
  } finally {
    Atomics.store(stop, 0, 1);
    Atomics.notify(stop, 0);
    await ticker.terminate();
  }

  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      onIdle = resolve;
      setTimeout(resolve, DRAIN_MS).unref();
    });
  }
  closed = true;
  failures += measuredInFlight;
  await (inFlight > 0 ? pool.destroy() : pool.close());
  return {
    ...summarize(samples),
    rps: samples.length / options.durationSeconds,
    failures,
  };
}

/**
 * The pacing thread (CommonJS, evaluated): given the start (hrtime ns), posts a message at each
 * scheduled time `i * intervalMs` (sleeping, then spinning the last `SPIN_MS`) until the last of
 * `total`, or until `stop[0]` is set. If it
 * wakes late it posts once for all arrivals now due and sleeps until the next: the sender catches up.
 */
const TICKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { stop, intervalMs, total } = workerData;
parentPort.once('message', (start) => {
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  let i = 0;
  while (i < total && Atomics.load(stop, 0) === 0) {
    let now = elapsedMs();
    if (i * intervalMs - ${SPIN_MS} > now) {
      Atomics.wait(stop, 0, 0, i * intervalMs - ${SPIN_MS} - now);
      continue;
    }
    while (now < i * intervalMs) now = elapsedMs();
    parentPort.postMessage(i);
    // The sender reads the clock after this, so it sends at least the arrivals due by now.
    while (i < total && i * intervalMs <= now) i++;
  }
});
`;

import type { FastifyBaseLogger } from 'fastify';
import type { ResponseStore } from './response-store.js';

/** How often stored responses past retention are swept, ms. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Sweeps stored responses (and their items) past retention every few minutes, skipping a tick
 * while the previous sweep runs; every replica may sweep (the deletes are idempotent). Reads
 * already ignore what the sweep has not reached yet. Returns the function that stops it.
 */
export function startRetentionSweep(store: ResponseStore, log: FastifyBaseLogger): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const swept = await store.sweep();
      if (swept > 0) log.info({ swept }, 'deleted stored responses past retention');
    } catch (error) {
      log.error({ err: error }, 'stored responses sweep failed');
    } finally {
      running = false;
    }
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

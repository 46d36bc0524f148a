import type { Coordination } from './coordination.js';
import { MemoryCache } from './memory/memory-cache.js';
import { MemoryEventStream } from './memory/memory-event-stream.js';
import { MemoryPubSub } from './memory/memory-pubsub.js';
import { MemoryRateLimiter } from './memory/memory-rate-limiter.js';

/** How often expired rate-limit windows and cache entries are dropped. */
const SWEEP_INTERVAL_MS = 30_000;

/** Options of `createMemoryCoordination`. */
export interface MemoryCoordinationOptions {
  /** The clock for windows, TTLs and redelivery (default `Date.now`); waits (`blockMs`) use real time. */
  now?: () => number;
  /** Events each stream keeps (default 10,000; see `EventStream.append`). */
  streamMaxLength?: number;
}

/**
 * Coordination for a single node, held in this process. Nothing is shared with other processes,
 * so run one replica with it (or use `createRedisCoordination`).
 */
export function createMemoryCoordination(opts: MemoryCoordinationOptions = {}): Coordination {
  const now = opts.now ?? Date.now;
  const rateLimiter = new MemoryRateLimiter(now);
  const cache = new MemoryCache(now);
  const pubsub = new MemoryPubSub();
  const events = new MemoryEventStream(now, opts.streamMaxLength);
  let closed = false;
  const sweeper = setInterval(() => {
    rateLimiter.sweep();
    cache.sweep();
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    rateLimiter,
    cache,
    pubsub,
    events,
    async ping() {
      return !closed;
    },
    async close() {
      closed = true;
      clearInterval(sweeper);
      pubsub.close();
      events.close();
    },
  };
}

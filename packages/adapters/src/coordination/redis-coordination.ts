import { Redis } from 'ioredis';
import type { Coordination } from './coordination.js';
import { BlockingConnections } from './redis/blocking-connections.js';
import { withHubCommands } from './redis/hub-commands.js';
import { RedisCache } from './redis/redis-cache.js';
import { RedisEventStream } from './redis/redis-event-stream.js';
import { RedisPubSub } from './redis/redis-pubsub.js';
import { RedisRateLimiter } from './redis/redis-rate-limiter.js';

/** How long `ping()` waits for PONG before answering false. */
const PING_TIMEOUT_MS = 1000;

/** Options of `createRedisCoordination`: a `client` to share or a `url` to connect to. */
export interface RedisCoordinationOptions {
  /**
   * An ioredis client to share; `close()` leaves it open. The adapter defines two script commands
   * on it and duplicates it for subscribing and blocking reads. Give it no ioredis `keyPrefix`.
   */
  client?: Redis;
  /** Where to connect when no `client` is given (`redis://…`); `close()` quits this connection. */
  url?: string;
  /** Prepended to every key and channel (for example `hub:`), so deployments and tests never collide. */
  keyPrefix: string;
  /** Events each stream keeps, about (`XADD MAXLEN ~`; default 100,000; see `EventStream.append`). */
  streamMaxLength?: number;
}

/**
 * Coordination shared by every replica through Redis: rate limits and the cache as atomic
 * commands and scripts, pub/sub on channels, event streams on Redis Streams with consumer groups.
 * Keys live under `keyPrefix` as `rate:`, `cache:` and `stream:`; channels as `channel:`.
 */
export function createRedisCoordination(opts: RedisCoordinationOptions): Coordination {
  if (!opts.client && !opts.url) throw new TypeError('createRedisCoordination needs a client or a url');
  const owned = !opts.client;
  const client = withHubCommands(opts.client ?? new Redis(opts.url!));
  const prefix = opts.keyPrefix;
  const blocking = new BlockingConnections(client);
  const pubsub = new RedisPubSub(client, `${prefix}channel:`);
  let closed = false;

  return {
    rateLimiter: new RedisRateLimiter(client, `${prefix}rate:`),
    cache: new RedisCache(client, `${prefix}cache:`),
    pubsub,
    events: new RedisEventStream(client, blocking, `${prefix}stream:`, opts.streamMaxLength),
    async ping() {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      });
      try {
        return await Promise.race([client.ping().then((reply) => reply === 'PONG'), timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      blocking.close();
      await pubsub.close();
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
}

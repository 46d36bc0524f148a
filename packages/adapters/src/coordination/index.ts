export type {
  Cache,
  Coordination,
  EventStream,
  PubSub,
  RateLimitCheck,
  RateLimiter,
  RateLimitResult,
  StreamEvent,
  StreamGroupInfo,
} from './coordination.js';
export { createMemoryCoordination, type MemoryCoordinationOptions } from './memory-coordination.js';
export { createRedisCoordination, type RedisCoordinationOptions } from './redis-coordination.js';
export { DEFAULT_CLAIM_AFTER_MS, DEFAULT_READ_COUNT } from './stream-read-options.js';

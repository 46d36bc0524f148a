import type { RateLimiter, RateLimitResult } from '../coordination.js';
import { assertRateLimitOptions } from '../sliding-window.js';
import type { HubRedis } from './hub-commands.js';

/** The sliding-window limiter as one Lua script per call, so every replica sees one count. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly client: HubRedis,
    /** Prepended to every rate-limit key. */
    private readonly prefix: string,
  ) {}

  async consume(
    key: string,
    opts: { limit: number; windowMs: number; cost?: number },
  ): Promise<RateLimitResult> {
    const { limit, windowMs, cost = 1 } = opts;
    assertRateLimitOptions({ limit, windowMs, cost });
    const [allowed, remaining, retryAfterMs] = await this.client.smartHubRateLimit(
      this.prefix + key,
      windowMs,
      cost,
      limit,
    );
    return { allowed: allowed === 1, remaining, limit, retryAfterMs };
  }

  async record(key: string, opts: { windowMs: number; cost: number }): Promise<void> {
    assertRateLimitOptions(opts);
    await this.client.smartHubRateLimit(this.prefix + key, opts.windowMs, opts.cost, -1);
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
}

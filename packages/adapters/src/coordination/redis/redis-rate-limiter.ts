import type { RateLimitCheck, RateLimiter, RateLimitResult } from '../coordination.js';
import { assertRateLimitChecks, assertRateLimitOptions } from '../sliding-window.js';
import type { HubRedis } from './hub-commands.js';

/** The sliding-window limiter as one Lua script per call (any number of windows), so every replica sees one count. */
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
    const { results } = await this.consumeAll([{ key, ...opts }]);
    return results[0]!;
  }

  async consumeAll(checks: RateLimitCheck[]): Promise<{ allowed: boolean; results: RateLimitResult[] }> {
    assertRateLimitChecks(checks);
    const reply = await this.run(checks.map((c) => [c.key, c.windowMs, c.cost ?? 1, c.limit] as const));
    return {
      allowed: reply[0] === 1,
      results: checks.map((check, i) => ({
        allowed: reply[1 + 3 * i] === 1,
        remaining: reply[2 + 3 * i]!,
        limit: check.limit,
        retryAfterMs: reply[3 + 3 * i]!,
      })),
    };
  }

  async record(key: string, opts: { windowMs: number; cost: number }): Promise<void> {
    await this.recordAll([{ key, ...opts }]);
  }

  async recordAll(records: Array<{ key: string; windowMs: number; cost: number }>): Promise<void> {
    for (const record of records) assertRateLimitOptions(record);
    if (records.length === 0) return;
    // A limit of -1: the script adds the cost without checking.
    await this.run(records.map((r) => [r.key, r.windowMs, r.cost, -1] as const));
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  private run(windows: ReadonlyArray<readonly [key: string, windowMs: number, cost: number, limit: number]>) {
    return this.client.smartHubRateLimits(
      windows.length,
      ...windows.map(([key]) => this.prefix + key),
      ...windows.flatMap(([, windowMs, cost, limit]) => [windowMs, cost, limit]),
    );
  }
}

import type { RateLimitCheck, RateLimiter, RateLimitResult } from '../coordination.js';
import {
  advanceWindow,
  assertRateLimitChecks,
  assertRateLimitOptions,
  type WindowCounts,
  weighWindow,
  windowExpiry,
} from '../sliding-window.js';

/** A sliding-window rate limiter in one process: each call runs to completion, so it is atomic. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, WindowCounts>();

  constructor(private readonly now: () => number) {}

  async consume(
    key: string,
    opts: { limit: number; windowMs: number; cost?: number },
  ): Promise<RateLimitResult> {
    const { limit, windowMs, cost = 1 } = opts;
    assertRateLimitOptions({ limit, windowMs, cost });
    const now = this.now();
    const counts = advanceWindow(this.#windows.get(key), windowMs, now);
    const result = weighWindow(counts, limit, cost, now);
    if (result.allowed) this.#windows.set(key, { ...counts, curr: counts.curr + cost });
    return result;
  }

  async consumeAll(checks: RateLimitCheck[]): Promise<{ allowed: boolean; results: RateLimitResult[] }> {
    assertRateLimitChecks(checks);
    const now = this.now();
    const weighed = checks.map((check) => {
      const counts = advanceWindow(this.#windows.get(check.key), check.windowMs, now);
      return { check, counts, result: weighWindow(counts, check.limit, check.cost ?? 1, now) };
    });
    const allowed = weighed.every((w) => w.result.allowed);
    if (allowed) {
      for (const { check, counts } of weighed) {
        this.#windows.set(check.key, { ...counts, curr: counts.curr + (check.cost ?? 1) });
      }
    }
    return { allowed, results: weighed.map((w) => w.result) };
  }

  async record(key: string, opts: { windowMs: number; cost: number }): Promise<void> {
    await this.recordAll([{ key, ...opts }]);
  }

  async recordAll(records: Array<{ key: string; windowMs: number; cost: number }>): Promise<void> {
    for (const record of records) assertRateLimitOptions(record);
    const now = this.now();
    for (const { key, windowMs, cost } of records) {
      const counts = advanceWindow(this.#windows.get(key), windowMs, now);
      this.#windows.set(key, { ...counts, curr: counts.curr + cost });
    }
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  /** Forgets keys whose windows have slid out entirely. */
  sweep(): void {
    const now = this.now();
    for (const [key, counts] of this.#windows) if (windowExpiry(counts) <= now) this.#windows.delete(key);
  }

  /** How many keys are held (for tests of the sweep). */
  get size(): number {
    return this.#windows.size;
  }
}

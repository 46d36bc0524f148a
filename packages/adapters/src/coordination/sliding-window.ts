import type { RateLimitResult } from './coordination.js';

/**
 * The counts of one rate-limit key: fixed windows of `windowMs` aligned to the epoch, the current
 * one starting at `start`. The Redis adapter's Lua script (`redis/rate-limit-script.ts`) mirrors
 * this arithmetic line for line, so both adapters answer the same.
 */
export interface WindowCounts {
  windowMs: number;
  start: number;
  /** What the previous fixed window counted. */
  prev: number;
  /** What the current fixed window has counted so far. */
  curr: number;
}

/** The counts as of `now`: rolled into the fixed window holding `now` (a changed `windowMs` starts over). */
export function advanceWindow(counts: WindowCounts | undefined, windowMs: number, now: number): WindowCounts {
  const start = now - (now % windowMs);
  if (!counts || counts.windowMs !== windowMs) return { windowMs, start, prev: 0, curr: 0 };
  if (counts.start === start) return counts;
  const prev = counts.start === start - windowMs ? counts.curr : 0;
  return { windowMs, start, prev, curr: 0 };
}

/** The moment (ms) after which a key's counts weigh nothing any more. */
export function windowExpiry(counts: WindowCounts): number {
  return counts.start + 2 * counts.windowMs;
}

/**
 * Whether `cost` fits under `limit` at `now`: the previous window weighs by the part of it still
 * inside the sliding window, `prev * (1 - elapsed) + curr`. Does not count anything.
 */
export function weighWindow(counts: WindowCounts, limit: number, cost: number, now: number): RateLimitResult {
  const { windowMs, start, prev, curr } = counts;
  const used = prev * (1 - (now - start) / windowMs) + curr;
  if (used + cost <= limit) {
    return { allowed: true, remaining: Math.max(0, Math.floor(limit - used - cost)), limit, retryAfterMs: 0 };
  }
  let freeAt: number;
  if (cost > limit) {
    // Never fits: answer when everything counted so far has slid out.
    freeAt = start + 2 * windowMs;
  } else if (curr + cost <= limit) {
    // Fits once enough of the previous window has slid out.
    freeAt = start + windowMs * (1 - (limit - curr - cost) / prev);
  } else {
    // Fits in the next window once enough of this one has slid out.
    freeAt = start + windowMs + windowMs * Math.max(0, 1 - (limit - cost) / curr);
  }
  return { allowed: false, remaining: 0, limit, retryAfterMs: Math.max(1, Math.ceil(freeAt - now)) };
}

/** Rejects options no window can honour (both adapters validate the same way). */
export function assertRateLimitOptions(opts: { limit?: number; windowMs: number; cost: number }): void {
  if (!Number.isSafeInteger(opts.windowMs) || opts.windowMs <= 0) {
    throw new RangeError(`windowMs must be a positive integer, got ${opts.windowMs}`);
  }
  if (!Number.isFinite(opts.cost) || opts.cost < 0) {
    throw new RangeError(`cost must be a finite number >= 0, got ${opts.cost}`);
  }
  if (opts.limit !== undefined && (!Number.isFinite(opts.limit) || opts.limit < 0)) {
    throw new RangeError(`limit must be a finite number >= 0, got ${opts.limit}`);
  }
}

/** Rejects a `consumeAll` no window can honour: bad options, or the same key twice. */
export function assertRateLimitChecks(
  checks: Array<{ key: string; limit: number; windowMs: number; cost?: number }>,
): void {
  const keys = new Set<string>();
  for (const check of checks) {
    assertRateLimitOptions({ limit: check.limit, windowMs: check.windowMs, cost: check.cost ?? 1 });
    if (keys.has(check.key)) throw new RangeError(`consumeAll: the key ${check.key} appears twice`);
    keys.add(check.key);
  }
}

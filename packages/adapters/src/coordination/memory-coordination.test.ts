import { describe, expect, it } from 'vitest';
import { describeCoordinationConformance } from './coordination.conformance.js';
import { MemoryCache } from './memory/memory-cache.js';
import { MemoryRateLimiter } from './memory/memory-rate-limiter.js';
import { createMemoryCoordination } from './memory-coordination.js';

describeCoordinationConformance('memory', (_, options) => createMemoryCoordination(options));

describe('memory coordination on a clock of its own', () => {
  it('weighs the previous window by how much of it is still inside the sliding window', async () => {
    let now = 100;
    const { rateLimiter } = createMemoryCoordination({ now: () => now });
    const opts = { limit: 10, windowMs: 1000 };
    for (let i = 0; i < 10; i++) await rateLimiter.consume('k', opts);
    now = 1500; // half of the previous window (10) still counts: 5 used
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await rateLimiter.consume('k', opts));
    expect(results.map((result) => result.allowed)).toEqual([true, true, true, true, true, false]);
    expect(results[4]).toMatchObject({ remaining: 0 });
    // 10 * (1 - elapsed) + 5 + 1 <= 10 once elapsed >= 0.6, at 1600.
    expect(results[5]).toMatchObject({ remaining: 0, retryAfterMs: 100 });
    now = 1600;
    expect((await rateLimiter.consume('k', opts)).allowed).toBe(true);
    now = 3000; // two windows on, everything has slid out
    expect(await rateLimiter.consume('k', opts)).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('redelivers after claimAfterMs on its clock, and ids stay monotonic when it stalls', async () => {
    let now = 5000;
    const { events } = createMemoryCoordination({ now: () => now });
    await events.ensureGroup('s', 'g');
    const ids = [await events.append('s', 'e', {}), await events.append('s', 'e', {})];
    expect(ids).toEqual(['5000-0', '5000-1']);
    await events.read('s', 'g', 'a');
    now += 999;
    expect(await events.read('s', 'g', 'b', { claimAfterMs: 1000 })).toEqual([]);
    now += 1;
    expect((await events.read('s', 'g', 'b', { claimAfterMs: 1000 })).map((e) => e.deliveries)).toEqual([
      2, 2,
    ]);
    now = 1; // the clock stepped back
    expect(await events.append('s', 'e', {})).toBe('5000-2');
  });

  it('sweeps expired windows and cache entries, so idle keys do not pile up', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    const cache = new MemoryCache(() => now);
    for (let i = 0; i < 100; i++) {
      await limiter.consume(`ip:${i}`, { limit: 5, windowMs: 1000 });
      await cache.set(`k${i}`, 'v', 500);
    }
    await cache.set('kept', 'v', 10_000);
    now = 1999;
    limiter.sweep();
    cache.sweep();
    expect([limiter.size, cache.size]).toEqual([100, 1]);
    now = 2000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });
});

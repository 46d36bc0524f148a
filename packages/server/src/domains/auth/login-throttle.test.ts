import { randomUUID } from 'node:crypto';
import { createMemoryCoordination, createRedisCoordination } from '@smart-ai-hub/adapters';
import { deleteKeysWithPrefix, redisAvailable, redisUrlForTests } from '@smart-ai-hub/adapters/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { HubError } from '../../http/hub-error.js';
import { createLoginThrottle } from './login-throttle.js';

// A day-long window: the sliding estimate is then all but constant for the seconds a test takes.
const windowMs = 24 * 3600_000;
const limits = { perAccountAndSource: 3, perSource: 5, windowMs };
const redisUp = await redisAvailable();

async function refused(attempt: Promise<void>) {
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  expect((error as HubError).statusCode).toBe(429);
  expect((error as HubError).retryAfter).toBeGreaterThan(0);
  // The sliding estimate still weighs the previous fixed window, so the wait can reach two windows
  // (how close depends on where in the epoch-aligned window the test runs), never more.
  expect((error as HubError).retryAfter).toBeLessThanOrEqual((2 * windowMs) / 1000);
}

describe('login throttling', () => {
  it('limits attempts per (account, source) and per source; success clears the pair', async () => {
    const coordination = createMemoryCoordination();
    const throttle = createLoginThrottle(coordination.rateLimiter, limits);
    for (let i = 0; i < 3; i++) await throttle.attempt('a@example.com', '10.0.0.1');
    await refused(throttle.attempt('a@example.com', '10.0.0.1'));
    // The owner, from elsewhere, still gets in: the stranger's address used only its own budget.
    await throttle.attempt('a@example.com', '10.0.0.2');
    // Another account from the first address too, until the address's own limit.
    await throttle.attempt('b@example.com', '10.0.0.1');
    await throttle.succeeded('b@example.com', '10.0.0.1');
    await throttle.attempt('b@example.com', '10.0.0.1');
    // Five attempts from 10.0.0.1 in all (the refused one was not counted): its limit.
    await refused(throttle.attempt('c@example.com', '10.0.0.1'));
    await coordination.close();
  });

  it('counts an IPv6 /64 as one source', async () => {
    const coordination = createMemoryCoordination();
    const throttle = createLoginThrottle(coordination.rateLimiter, limits);
    for (let i = 1; i <= 3; i++) await throttle.attempt('a@example.com', `2001:db8:1:2::${i}`);
    await refused(throttle.attempt('a@example.com', '2001:db8:1:2::99'));
    await throttle.attempt('a@example.com', '2001:db8:1:3::1');
    await coordination.close();
  });

  it.runIf(redisUp)('holds across replicas sharing Redis', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const replicaA = createRedisCoordination({ url: redisUrlForTests, keyPrefix });
    const replicaB = createRedisCoordination({ url: redisUrlForTests, keyPrefix });
    try {
      const a = createLoginThrottle(replicaA.rateLimiter, limits);
      const b = createLoginThrottle(replicaB.rateLimiter, limits);
      await a.attempt('shared@example.com', '10.1.0.1');
      await b.attempt('shared@example.com', '10.1.0.1');
      await a.attempt('shared@example.com', '10.1.0.1');
      await refused(b.attempt('shared@example.com', '10.1.0.1'));
      await b.attempt('shared@example.com', '10.1.0.2');
      await a.succeeded('shared@example.com', '10.1.0.1');
      await b.attempt('shared@example.com', '10.1.0.1');
    } finally {
      const redis = new Redis(redisUrlForTests);
      await deleteKeysWithPrefix(redis, keyPrefix);
      redis.disconnect();
      await replicaA.close();
      await replicaB.close();
    }
  });
});

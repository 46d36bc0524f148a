import { randomUUID } from 'node:crypto';
import { createMemoryCoordination, createRedisCoordination } from '@smart-ai-hub/adapters';
import { redisAvailable, redisUrlForTests } from '@smart-ai-hub/adapters/testing';
import { describe, expect, it } from 'vitest';
import { HubError } from '../../http/hub-error.js';
import { createLoginThrottle } from './login-throttle.js';

// A day-long window: the sliding estimate is then all but constant for the seconds a test takes.
const windowMs = 24 * 3600_000;
const limits = { perAccount: 3, perIp: 5, windowMs };
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
  it('limits attempts per account and per address; success clears the account', async () => {
    const coordination = createMemoryCoordination();
    const throttle = createLoginThrottle(coordination.rateLimiter, limits);
    for (let i = 0; i < 3; i++) await throttle.attempt('a@example.com', '10.0.0.1');
    await refused(throttle.attempt('a@example.com', '10.0.0.2'));
    // Another account from the first address still gets in, until the address limit.
    await throttle.attempt('b@example.com', '10.0.0.1');
    await throttle.succeeded('b@example.com');
    await throttle.attempt('b@example.com', '10.0.0.1');
    await refused(throttle.attempt('c@example.com', '10.0.0.1'));
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
      await b.attempt('shared@example.com', '10.1.0.2');
      await a.attempt('shared@example.com', '10.1.0.3');
      await refused(b.attempt('shared@example.com', '10.1.0.4'));
      await a.succeeded('shared@example.com');
      await b.attempt('shared@example.com', '10.1.0.4');
    } finally {
      for (const replica of [replicaA, replicaB]) {
        for (const key of ['shared@example.com'])
          await replica.rateLimiter.reset(`auth:login:account:${key}`);
        for (let i = 1; i <= 4; i++) await replica.rateLimiter.reset(`auth:login:ip:10.1.0.${i}`);
      }
      await replicaA.close();
      await replicaB.close();
    }
  });
});

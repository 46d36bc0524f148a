import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, redisUrlForTests } from '../testing/services.js';
import { describeCoordinationConformance } from './coordination.conformance.js';
import { deleteKeysWithPrefix } from './redis/delete-keys-with-prefix.js';
import { createRedisCoordination } from './redis-coordination.js';

// Skips only when Redis is unreachable outside CI; in CI `redisAvailable()` throws instead.
describe.skipIf(!(await redisAvailable()))(`redis coordination at ${redisUrlForTests}`, () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(redisUrlForTests);
  });
  afterAll(async () => {
    await admin.quit();
  });

  describe('with a connection of its own', () => {
    describeCoordinationConformance(
      'redis (url)',
      (keyPrefix, options) => createRedisCoordination({ url: redisUrlForTests, keyPrefix, ...options }),
      {
        cleanup: async (keyPrefix) => {
          await deleteKeysWithPrefix(admin, keyPrefix);
        },
      },
    );
  });

  describe('with a shared client', () => {
    describeCoordinationConformance(
      'redis (client)',
      (keyPrefix, options) => createRedisCoordination({ client: admin, keyPrefix, ...options }),
      {
        cleanup: async (keyPrefix) => {
          await deleteKeysWithPrefix(admin, keyPrefix);
        },
      },
    );
  });

  describe('replicas sharing one prefix', () => {
    const keyPrefix = `test:${crypto.randomUUID()}:`;
    const replicas = () => [
      createRedisCoordination({ url: redisUrlForTests, keyPrefix }),
      createRedisCoordination({ url: redisUrlForTests, keyPrefix }),
    ];

    afterAll(async () => {
      await deleteKeysWithPrefix(admin, keyPrefix);
    });

    it('share one rate limit, one cache, one event stream and every channel', async () => {
      const [a, b] = replicas() as [
        ReturnType<typeof createRedisCoordination>,
        ReturnType<typeof createRedisCoordination>,
      ];
      try {
        const opts = { limit: 10, windowMs: 60_000 };
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).rateLimiter.consume('shared', opts)),
        );
        expect(results.filter((result) => result.allowed)).toHaveLength(10);

        const wins = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).cache.setIfAbsent('lock', `${i}`, 60_000)),
        );
        expect(wins.filter(Boolean)).toHaveLength(1);

        const heard: string[] = [];
        await b.pubsub.subscribe('news', (message) => heard.push(message));
        await a.pubsub.publish('news', 'from a');
        await expect.poll(() => heard).toEqual(['from a']);

        await a.events.ensureGroup('jobs', 'workers');
        const appended = [await a.events.append('jobs', 'j', {}), await b.events.append('jobs', 'j', {})];
        const [fromA, fromB] = await Promise.all([
          a.events.read('jobs', 'workers', 'a', { count: 1 }),
          b.events.read('jobs', 'workers', 'b', { count: 1 }),
        ]);
        expect([...fromA!, ...fromB!].map((event) => event.id).sort()).toEqual([...appended].sort());
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('connections', () => {
    it('keeps every key under its prefix', async () => {
      const keyPrefix = `test:${crypto.randomUUID()}:`;
      const hub = createRedisCoordination({ client: admin, keyPrefix });
      await hub.rateLimiter.consume('r', { limit: 1, windowMs: 60_000 });
      await hub.cache.set('c', 'v', 60_000);
      await hub.events.append('s', 'e', {});
      const keys = [];
      for await (const batch of admin.scanStream({ match: `${keyPrefix}*` })) keys.push(...batch);
      expect(keys.sort()).toEqual([`${keyPrefix}cache:c`, `${keyPrefix}rate:r`, `${keyPrefix}stream:s`]);
      await hub.close();
      expect(await deleteKeysWithPrefix(admin, keyPrefix)).toBe(3);
    });

    it('close() leaves a shared client open and quits the connections it opened', async () => {
      const shared = new Redis(redisUrlForTests);
      const keyPrefix = `test:${crypto.randomUUID()}:`;
      const hub = createRedisCoordination({ client: shared, keyPrefix });
      await hub.pubsub.subscribe('x', () => {});
      await hub.events.ensureGroup('s', 'g');
      const blocked = hub.events.read('s', 'g', 'c', { blockMs: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await hub.close();
      expect(await blocked).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await shared.ping()).toBe('PONG');
      await deleteKeysWithPrefix(shared, keyPrefix);
      await shared.quit();
    });

    it('needs a client or a url', () => {
      expect(() => createRedisCoordination({ keyPrefix: 'x:' })).toThrow(TypeError);
    });
  });
});

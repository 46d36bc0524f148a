import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Coordination, RateLimitResult, StreamEvent } from './coordination.js';

/** Opens an adapter whose keys and channels all live under `keyPrefix` (with the adapter options given). */
export type CoordinationFactory = (
  keyPrefix: string,
  options?: { streamMaxLength?: number },
) => Coordination | Promise<Coordination>;

/** What an adapter's suite may add around each test. */
export interface ConformanceHooks {
  /** Removes whatever a test left under its prefix; runs after the adapter is closed. */
  cleanup?: (keyPrefix: string) => Promise<void>;
}

/** Resolves once `done()` holds, polling briefly; fails the test after `timeoutMs`. */
async function waitFor(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Sleeps until `fraction` of the way into the next fixed window of `windowMs` (epoch-aligned). */
function sleepIntoNextWindow(windowMs: number, fraction: number): Promise<void> {
  return sleep(windowMs - (Date.now() % windowMs) + windowMs * fraction);
}

const ids = (events: StreamEvent[]) => events.map((event) => event.id);

/** Compares stream ids (`<ms>-<seq>`) numerically. */
function compareIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/**
 * The coordination port's contract, run identically over every adapter. Each test gets adapters
 * under prefixes of its own (`test:<uuid>:`), closed and cleaned up after it.
 */
export function describeCoordinationConformance(
  name: string,
  factory: CoordinationFactory,
  hooks: ConformanceHooks = {},
): void {
  describe(`coordination conformance: ${name}`, () => {
    const opened: Array<{ prefix: string; coordination: Coordination }> = [];
    let hub: Coordination;

    const open = async (options?: { streamMaxLength?: number }): Promise<Coordination> => {
      const prefix = `test:${randomUUID()}:`;
      const coordination = await factory(prefix, options);
      opened.push({ prefix, coordination });
      return coordination;
    };

    beforeEach(async () => {
      hub = await open();
    });

    afterEach(async () => {
      for (const { prefix, coordination } of opened.splice(0)) {
        await coordination.close();
        await hooks.cleanup?.(prefix);
      }
    });

    it('answers ping until closed; closing twice is harmless', async () => {
      expect(await hub.ping()).toBe(true);
      await hub.close();
      await hub.close();
      expect(await hub.ping()).toBe(false);
    });

    describe('rateLimiter', () => {
      const minute = { limit: 10, windowMs: 60_000 };

      it('consumeAll counts every window or none: a full token window spares the request window', async () => {
        const checks = [
          { key: 'all:req', limit: 10, windowMs: 60_000 },
          { key: 'all:tok', limit: 100, windowMs: 60_000, cost: 60 },
        ];
        const first = await hub.rateLimiter.consumeAll(checks);
        expect(first).toEqual({
          allowed: true,
          results: [
            { allowed: true, remaining: 9, limit: 10, retryAfterMs: 0 },
            { allowed: true, remaining: 40, limit: 100, retryAfterMs: 0 },
          ],
        });
        // 60 more tokens do not fit: nothing is counted, the request window included.
        const refused = await hub.rateLimiter.consumeAll(checks);
        expect(refused.allowed).toBe(false);
        expect(refused.results[0]).toMatchObject({ allowed: true, remaining: 8 });
        expect(refused.results[1]).toMatchObject({ allowed: false, remaining: 0, limit: 100 });
        expect(refused.results[1]!.retryAfterMs).toBeGreaterThan(0);
        expect(refused.results[1]!.retryAfterMs).toBeLessThanOrEqual(120_000);
        expect(await hub.rateLimiter.consume('all:req', { limit: 10, windowMs: 60_000 })).toMatchObject({
          allowed: true,
          remaining: 8,
        });
        expect(
          await hub.rateLimiter.consume('all:tok', { limit: 100, windowMs: 60_000, cost: 40 }),
        ).toMatchObject({
          allowed: true,
          remaining: 0,
        });
      });

      it('consumeAll lets exactly `limit` of 30 concurrent calls through, over two windows', async () => {
        const calls = await Promise.all(
          Array.from({ length: 30 }, () =>
            hub.rateLimiter.consumeAll([
              { key: 'burst:a', limit: 10, windowMs: 60_000 },
              { key: 'burst:b', limit: 1_000, windowMs: 60_000, cost: 5 },
            ]),
          ),
        );
        expect(calls.filter((call) => call.allowed)).toHaveLength(10);
        expect(
          await hub.rateLimiter.consume('burst:b', { limit: 1_000, windowMs: 60_000, cost: 0 }),
        ).toMatchObject({
          remaining: 950,
        });
      });

      it('consumeAll refuses the same key twice and bad options, counting nothing', async () => {
        await expect(
          hub.rateLimiter.consumeAll([
            { key: 'twice', limit: 5, windowMs: 1_000 },
            { key: 'twice', limit: 5, windowMs: 1_000 },
          ]),
        ).rejects.toThrow(/twice/);
        await expect(hub.rateLimiter.consumeAll([{ key: 'bad', limit: 5, windowMs: 0 }])).rejects.toThrow(
          RangeError,
        );
        expect(await hub.rateLimiter.consume('twice', { limit: 5, windowMs: 1_000 })).toMatchObject({
          remaining: 4,
        });
      });

      it('allows exactly `limit` of 50 concurrent consumes', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => hub.rateLimiter.consume('login:ada', minute)),
        );
        const allowed = results.filter((result) => result.allowed);
        expect(allowed).toHaveLength(10);
        expect(allowed.map((result) => result.remaining).sort((a, b) => a - b)).toEqual([
          0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        ]);
        for (const refused of results.filter((result) => !result.allowed)) {
          expect(refused).toMatchObject({ remaining: 0, limit: 10 });
          expect(refused.retryAfterMs).toBeGreaterThan(0);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(120_000);
        }
      });

      it('counts each key on its own', async () => {
        for (let i = 0; i < 10; i++) await hub.rateLimiter.consume('a', minute);
        expect((await hub.rateLimiter.consume('a', minute)).allowed).toBe(false);
        expect(await hub.rateLimiter.consume('b', minute)).toEqual({
          allowed: true,
          remaining: 9,
          limit: 10,
          retryAfterMs: 0,
        });
      });

      it('charges a cost (a token budget) and counts nothing when it does not fit', async () => {
        const budget = { limit: 100, windowMs: 60_000 };
        expect(await hub.rateLimiter.consume('tokens', { ...budget, cost: 60 })).toEqual({
          allowed: true,
          remaining: 40,
          limit: 100,
          retryAfterMs: 0,
        });
        const refused = await hub.rateLimiter.consume('tokens', { ...budget, cost: 50 });
        expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 100 });
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(await hub.rateLimiter.consume('tokens', { ...budget, cost: 40 })).toMatchObject({
          allowed: true,
          remaining: 0,
        });
        expect((await hub.rateLimiter.consume('tokens', budget)).allowed).toBe(false);
        const tooBig = await hub.rateLimiter.consume('other', { ...budget, cost: 101 });
        expect(tooBig.allowed).toBe(false);
        expect(tooBig.retryAfterMs).toBeGreaterThan(0);
      });

      it('record() adds cost without checking', async () => {
        await hub.rateLimiter.record('usage', { windowMs: 60_000, cost: 8 });
        expect((await hub.rateLimiter.consume('usage', { ...minute, cost: 3 })).allowed).toBe(false);
        expect(await hub.rateLimiter.consume('usage', { ...minute, cost: 2 })).toMatchObject({
          allowed: true,
          remaining: 0,
        });
        await hub.rateLimiter.record('over', { windowMs: 60_000, cost: 15 });
        expect((await hub.rateLimiter.consume('over', minute)).allowed).toBe(false);
      });

      it('recordAll() adds each cost to its own key, unchecked, and nothing for an empty list', async () => {
        await hub.rateLimiter.recordAll([
          { key: 'tokens:user', windowMs: 60_000, cost: 7 },
          { key: 'tokens:key', windowMs: 60_000, cost: 12 },
        ]);
        await hub.rateLimiter.recordAll([]);
        expect(await hub.rateLimiter.consume('tokens:user', { ...minute, cost: 3 })).toMatchObject({
          allowed: true,
          remaining: 0,
        });
        expect((await hub.rateLimiter.consume('tokens:key', minute)).allowed).toBe(false);
        await expect(hub.rateLimiter.recordAll([{ key: 'bad', windowMs: 60_000, cost: -1 }])).rejects.toThrow(
          /cost/,
        );
      });

      it('reset() forgets a key', async () => {
        for (let i = 0; i < 10; i++) await hub.rateLimiter.consume('login:bob', minute);
        expect((await hub.rateLimiter.consume('login:bob', minute)).allowed).toBe(false);
        await hub.rateLimiter.reset('login:bob');
        await hub.rateLimiter.reset('never-used');
        expect(await hub.rateLimiter.consume('login:bob', minute)).toMatchObject({
          allowed: true,
          remaining: 9,
        });
      });

      it('allows again once retryAfterMs has passed', async () => {
        const opts = { limit: 2, windowMs: 300 };
        expect((await hub.rateLimiter.consume('retry', opts)).allowed).toBe(true);
        expect((await hub.rateLimiter.consume('retry', opts)).allowed).toBe(true);
        const refused = await hub.rateLimiter.consume('retry', opts);
        expect(refused.allowed).toBe(false);
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(450);
        await sleep(refused.retryAfterMs + 25);
        expect((await hub.rateLimiter.consume('retry', opts)).allowed).toBe(true);
      });

      it('slides: right after a boundary the previous window still weighs', async () => {
        const opts = { limit: 8, windowMs: 400 };
        const burst = async () => {
          const results = await Promise.all(
            Array.from({ length: 8 }, () => hub.rateLimiter.consume('slide', opts)),
          );
          return results.filter((result: RateLimitResult) => result.allowed).length;
        };
        await sleepIntoNextWindow(opts.windowMs, 0.25);
        expect(await burst()).toBe(8);
        // A quarter into the next window, three quarters of the previous one still count:
        // 8 * 0.75 = 6 used, so about 2 fit (a fixed window would allow all 8 again).
        await sleepIntoNextWindow(opts.windowMs, 0.25);
        const allowed = await burst();
        expect(allowed).toBeGreaterThanOrEqual(1);
        expect(allowed).toBeLessThanOrEqual(3);
      });
    });

    describe('cache', () => {
      it('gets what was set, overwrites, and deletes', async () => {
        expect(await hub.cache.get('k')).toBeNull();
        await hub.cache.set('k', 'one', 60_000);
        expect(await hub.cache.get('k')).toBe('one');
        await hub.cache.set('k', 'two', 60_000);
        expect(await hub.cache.get('k')).toBe('two');
        await hub.cache.delete('k');
        await hub.cache.delete('never-set');
        expect(await hub.cache.get('k')).toBeNull();
      });

      it('expires entries after their TTL', async () => {
        await hub.cache.set('short', 'v', 100);
        expect(await hub.cache.get('short')).toBe('v');
        await sleep(150);
        expect(await hub.cache.get('short')).toBeNull();
      });

      it('setIfAbsent lets exactly one of 20 concurrent callers win', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => hub.cache.setIfAbsent('lock', `owner-${i}`, 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await hub.cache.get('lock')).toBe(`owner-${results.indexOf(true)}`);
      });

      it('setIfAbsent succeeds again after expiry or delete', async () => {
        expect(await hub.cache.setIfAbsent('once', 'a', 100)).toBe(true);
        expect(await hub.cache.setIfAbsent('once', 'b', 100)).toBe(false);
        await sleep(150);
        expect(await hub.cache.setIfAbsent('once', 'c', 60_000)).toBe(true);
        await hub.cache.delete('once');
        expect(await hub.cache.setIfAbsent('once', 'd', 60_000)).toBe(true);
        expect(await hub.cache.get('once')).toBe('d');
      });

      it('increments atomically from 0', async () => {
        expect(await hub.cache.increment('n', 5, 60_000)).toBe(5);
        expect(await hub.cache.increment('n', -2, 60_000)).toBe(3);
        expect(await hub.cache.get('n')).toBe('3');
        const results = await Promise.all(
          Array.from({ length: 20 }, () => hub.cache.increment('m', 1, 60_000)),
        );
        expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });

      it('sets a counter TTL on creation only', async () => {
        expect(await hub.cache.increment('t', 1, 300)).toBe(1);
        await sleep(150);
        expect(await hub.cache.increment('t', 1, 300)).toBe(2);
        await sleep(200);
        expect(await hub.cache.get('t')).toBeNull();
      });

      it('refuses to increment a value that is not an integer', async () => {
        await hub.cache.set('word', 'abc', 60_000);
        await expect(hub.cache.increment('word', 1, 60_000)).rejects.toThrow();
        expect(await hub.cache.get('word')).toBe('abc');
      });
    });

    describe('pubsub', () => {
      it('fans out to every subscriber; unsubscribing stops delivery to that one only', async () => {
        const a: string[] = [];
        const b: string[] = [];
        const unsubscribeA = await hub.pubsub.subscribe('news', (message) => a.push(message));
        const unsubscribeB = await hub.pubsub.subscribe('news', (message) => b.push(message));
        await hub.pubsub.publish('news', 'one');
        await waitFor(() => a.length === 1 && b.length === 1);
        expect([a, b]).toEqual([['one'], ['one']]);

        await unsubscribeA();
        await unsubscribeA();
        await hub.pubsub.publish('news', 'two');
        await waitFor(() => b.length === 2);
        expect([a, b]).toEqual([['one'], ['one', 'two']]);

        await unsubscribeB();
        const c: string[] = [];
        await hub.pubsub.subscribe('news', (message) => c.push(message));
        await hub.pubsub.publish('news', 'three');
        await waitFor(() => c.length === 1);
        expect([a, b, c]).toEqual([['one'], ['one', 'two'], ['three']]);
      });

      it('keeps channels apart', async () => {
        const x: string[] = [];
        const y: string[] = [];
        await hub.pubsub.subscribe('x', (message) => x.push(message));
        await hub.pubsub.subscribe('y', (message) => y.push(message));
        await hub.pubsub.publish('y', 'for-y');
        await hub.pubsub.publish('x', 'for-x');
        await waitFor(() => x.length === 1 && y.length === 1);
        expect([x, y]).toEqual([['for-x'], ['for-y']]);
      });
    });

    describe('isolation between key prefixes', () => {
      it('keeps channels, cache, rate limits and streams apart', async () => {
        const other = await open();
        const ours: string[] = [];
        const theirs: string[] = [];
        await hub.pubsub.subscribe('news', (message) => ours.push(message));
        await other.pubsub.subscribe('news', (message) => theirs.push(message));
        await other.pubsub.publish('news', 'theirs');
        await hub.pubsub.publish('news', 'ours');
        await waitFor(() => ours.length === 1 && theirs.length === 1);
        expect([ours, theirs]).toEqual([['ours'], ['theirs']]);

        await hub.cache.set('k', 'ours', 60_000);
        expect(await other.cache.get('k')).toBeNull();

        await hub.rateLimiter.consume('k', { limit: 1, windowMs: 60_000 });
        expect((await other.rateLimiter.consume('k', { limit: 1, windowMs: 60_000 })).allowed).toBe(true);

        await hub.events.append('s', 'ours', {});
        await other.events.ensureGroup('s', 'g');
        expect(await other.events.read('s', 'g', 'c')).toEqual([]);
      });
    });

    describe('events', () => {
      it('keeps about the latest streamMaxLength events of a stream, dropping the oldest', async () => {
        const capped = await open({ streamMaxLength: 10 });
        const appended: string[] = [];
        for (let i = 0; i < 600; i++) appended.push(await capped.events.append('busy', 'tick', { i }));
        // A new group starts at the oldest event kept.
        await capped.events.ensureGroup('busy', 'late');
        const kept = await capped.events.read('busy', 'late', 'c', { count: 1_000 });
        // Redis trims whole nodes of ~100 entries (`MAXLEN ~`); memory trims past a tenth over.
        expect(kept.length).toBeGreaterThanOrEqual(10);
        expect(kept.length).toBeLessThanOrEqual(200);
        expect(ids(kept)).toEqual(appended.slice(-kept.length));
        expect(kept.at(-1)?.data).toEqual({ i: 599 });
      });

      it('appends, reads in order with their data, and acknowledges', async () => {
        await hub.events.ensureGroup('orders', 'billing');
        const data = {
          user: 'ada',
          amount: 42,
          tags: ['a', 'b'],
          nested: { ok: true, none: null },
          text: 'héllo ✓',
        };
        const appended = [
          await hub.events.append('orders', 'created', data),
          await hub.events.append('orders', 'paid', { amount: 42 }),
          await hub.events.append('orders', 'shipped', {}),
        ];
        expect([...appended].sort(compareIds)).toEqual(appended);
        expect(new Set(appended).size).toBe(3);

        const events = await hub.events.read('orders', 'billing', 'worker-1');
        expect(events).toEqual([
          { id: appended[0], type: 'created', data, deliveries: 1 },
          { id: appended[1], type: 'paid', data: { amount: 42 }, deliveries: 1 },
          { id: appended[2], type: 'shipped', data: {}, deliveries: 1 },
        ]);
        await hub.events.ack('orders', 'billing', ids(events));
        await hub.events.ack('orders', 'billing', []);
        expect(await hub.events.read('orders', 'billing', 'worker-1', { claimAfterMs: 0 })).toEqual([]);
      });

      it('starts a new group at the beginning, and ensureGroup is idempotent', async () => {
        const first = await hub.events.append('log', 'a', {});
        const second = await hub.events.append('log', 'b', {});
        await hub.events.ensureGroup('log', 'late');
        await hub.events.ensureGroup('log', 'late');
        expect(ids(await hub.events.read('log', 'late', 'c'))).toEqual([first, second]);
      });

      it('rejects a read from a group that does not exist', async () => {
        await expect(hub.events.read('nowhere', 'nobody', 'c')).rejects.toThrow(/NOGROUP/);
      });

      it('reads at most `count` events', async () => {
        await hub.events.ensureGroup('s', 'g');
        const appended: string[] = [];
        for (let i = 0; i < 5; i++) appended.push(await hub.events.append('s', 'e', { i }));
        expect(ids(await hub.events.read('s', 'g', 'c', { count: 2 }))).toEqual(appended.slice(0, 2));
        expect(ids(await hub.events.read('s', 'g', 'c', { count: 10 }))).toEqual(appended.slice(2));
      });

      it('splits a group between its consumers: each event to exactly one', async () => {
        await hub.events.ensureGroup('jobs', 'workers');
        const appended: string[] = [];
        for (let i = 0; i < 20; i++) appended.push(await hub.events.append('jobs', 'job', { i }));

        const first = await hub.events.read('jobs', 'workers', 'w1', { count: 4 });
        const second = await hub.events.read('jobs', 'workers', 'w2', { count: 4 });
        expect(ids(first)).toEqual(appended.slice(0, 4));
        expect(ids(second)).toEqual(appended.slice(4, 8));

        const seen: Record<string, string[]> = { w1: [], w2: [] };
        await Promise.all(
          ['w1', 'w2'].map(async (consumer) => {
            for (;;) {
              const batch = await hub.events.read('jobs', 'workers', consumer, { count: 3 });
              if (batch.length === 0) return;
              seen[consumer]!.push(...ids(batch));
            }
          }),
        );
        expect(seen['w1']!.length).toBeGreaterThan(0);
        expect(seen['w2']!.length).toBeGreaterThan(0);
        expect([...seen['w1']!, ...seen['w2']!].sort(compareIds)).toEqual(appended.slice(8));
      });

      it('gives every group all events', async () => {
        await hub.events.ensureGroup('audit', 'g1');
        await hub.events.ensureGroup('audit', 'g2');
        const appended = [
          await hub.events.append('audit', 'a', {}),
          await hub.events.append('audit', 'b', {}),
        ];
        expect(ids(await hub.events.read('audit', 'g1', 'c'))).toEqual(appended);
        expect(ids(await hub.events.read('audit', 'g2', 'c'))).toEqual(appended);
      });

      it('says how far behind each group is: not yet delivered (lag), not yet acknowledged (pending)', async () => {
        expect(await hub.events.groups('quiet')).toEqual([]);
        await hub.events.ensureGroup('lagging', 'fast');
        await hub.events.ensureGroup('lagging', 'slow');
        for (let i = 0; i < 5; i++) await hub.events.append('lagging', 'e', { i });
        const read = await hub.events.read('lagging', 'fast', 'c', { count: 3 });
        await hub.events.ack('lagging', 'fast', ids(read).slice(0, 2));
        const groups = await hub.events.groups('lagging');
        expect(groups.sort((a, b) => a.group.localeCompare(b.group))).toEqual([
          { group: 'fast', lag: 2, pending: 1 },
          { group: 'slow', lag: 5, pending: 0 },
        ]);
      });

      it('redelivers an unacknowledged event after claimAfterMs, to any consumer', async () => {
        await hub.events.ensureGroup('s', 'g');
        const id = await hub.events.append('s', 'e', { n: 1 });
        expect(await hub.events.read('s', 'g', 'crashed', { claimAfterMs: 150 })).toMatchObject([
          { id, deliveries: 1 },
        ]);
        expect(await hub.events.read('s', 'g', 'rescuer', { claimAfterMs: 150 })).toEqual([]);
        await sleep(200);
        expect(await hub.events.read('s', 'g', 'rescuer', { claimAfterMs: 150 })).toEqual([
          { id, type: 'e', data: { n: 1 }, deliveries: 2 },
        ]);
        await hub.events.ack('s', 'g', [id]);
        await sleep(200);
        expect(await hub.events.read('s', 'g', 'rescuer', { claimAfterMs: 150 })).toEqual([]);
      });

      it('never redelivers an acknowledged event; stale ones come before new ones', async () => {
        await hub.events.ensureGroup('s', 'g');
        const acked = await hub.events.append('s', 'e', {});
        const stale = await hub.events.append('s', 'e', {});
        expect(ids(await hub.events.read('s', 'g', 'c1'))).toEqual([acked, stale]);
        await hub.events.ack('s', 'g', [acked]);
        const fresh = await hub.events.append('s', 'e', {});
        await sleep(150);
        const events = await hub.events.read('s', 'g', 'c2', { claimAfterMs: 100 });
        expect(events.map(({ id, deliveries }) => ({ id, deliveries }))).toEqual([
          { id: stale, deliveries: 2 },
          { id: fresh, deliveries: 1 },
        ]);
      });

      it('waits up to blockMs, answering as soon as an event is appended', async () => {
        await hub.events.ensureGroup('s', 'g');
        let started = Date.now();
        expect(await hub.events.read('s', 'g', 'c', { blockMs: 150 })).toEqual([]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(100);

        started = Date.now();
        const reading = hub.events.read('s', 'g', 'c', { blockMs: 3000 });
        await sleep(100);
        // The blocked read holds up nothing else on the adapter.
        await hub.cache.set('k', 'v', 60_000);
        expect(await hub.cache.get('k')).toBe('v');
        expect(Date.now() - started).toBeLessThan(1000);
        const id = await hub.events.append('s', 'e', { late: true });
        expect(await reading).toEqual([{ id, type: 'e', data: { late: true }, deliveries: 1 }]);
        expect(Date.now() - started).toBeLessThan(2000);
      });
    });
  });
}

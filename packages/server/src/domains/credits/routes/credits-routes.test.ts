import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { creditsToUnits } from '../money.js';

for (const dialect of await testDialects()) {
  describe(`credits over HTTP on ${dialect}`, () => {
    let t: TestHub;
    let admin: TestUser;
    let alice: TestUser;
    beforeAll(async () => {
      t = await createTestHub({ dialect });
      admin = await createUser(t, { role: 'admin' });
      alice = await createUser(t);
    });
    afterAll(() => t?.close());

    const grant = (userId: string, body: unknown, key?: string, headers = admin.headers) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${userId}/credits`,
        headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
        payload: body as object,
      });

    it('shows a new user a zero balance, and refuses anonymous callers', async () => {
      const res = await t.app.inject({ url: '/api/v1/credits', headers: alice.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ balance: 0, held: 0, available: 0 });
      const anonymous = await t.app.inject({ url: '/api/v1/credits' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthorized');
    });

    it('grants credits once per Idempotency-Key: a replay answers the first answer, a changed body 422', async () => {
      const first = await grant(alice.user.id, { amount: 12.5, reason: 'welcome' }, 'grant-1');
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ userId: alice.user.id, amount: 12.5, balance: { balance: 12.5 } });
      const replay = await grant(alice.user.id, { amount: 12.5, reason: 'welcome' }, 'grant-1');
      expect(replay.statusCode).toBe(201);
      expect(replay.json()).toEqual(first.json());
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => grant(alice.user.id, { amount: 0.0001 }, 'grant-2')),
      );
      expect(burst.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
      const changed = await grant(alice.user.id, { amount: 13 }, 'grant-1');
      expect(changed.statusCode).toBe(422);
      expect(changed.json().error.code).toBe('idempotency_key_reused');
      const balance = await t.app.inject({ url: '/api/v1/credits', headers: alice.headers });
      expect(balance.json()).toEqual({ balance: 12.5001, held: 0, available: 12.5001 });
    });

    it('posts exactly the amount asked, to the micro-credit, and answers what was posted', async () => {
      const carol = await createUser(t);
      const exact = await grant(carol.user.id, { amount: 99.99995 }, 'k-exact');
      expect(exact.statusCode).toBe(201);
      expect(exact.json()).toMatchObject({ amount: 99.99995, balance: { balance: 99.99995 } });
      const tiny = await grant(carol.user.id, { amount: 0.000001 }, 'k-tiny');
      expect(tiny.json()).toMatchObject({ amount: 0.000001, balance: { balance: 99.999951 } });
      const balance = await t.app.inject({ url: '/api/v1/credits', headers: carol.headers });
      expect(balance.json()).toEqual({ balance: 99.999951, held: 0, available: 99.999951 });
    });

    it('refuses grants without a key, from non-admins, with bad amounts, or for unknown users', async () => {
      const noKey = await grant(alice.user.id, { amount: 1 });
      expect(noKey.statusCode).toBe(400);
      expect(noKey.json().error.message).toMatch(/Idempotency-Key/);
      const byUser = await grant(alice.user.id, { amount: 1 }, 'k-user', alice.headers);
      expect(byUser.statusCode).toBe(403);
      const tooPrecise = await grant(alice.user.id, { amount: 1.0000001 }, 'k-precise');
      expect(tooPrecise.statusCode).toBe(400);
      expect(tooPrecise.json().error.message).toMatch(/6 decimals/);
      // Never rounded: 99.99995 was stored as 100 when the unit was 1/10,000.
      const tooMuch = await grant(alice.user.id, { amount: 9e11 }, 'k-huge');
      expect(tooMuch.statusCode).toBe(400);
      expect(tooMuch.json().error.message).toMatch(/at most 1000000000 credits/);
      const negative = await grant(alice.user.id, { amount: -1 }, 'k-neg');
      expect(negative.statusCode).toBe(400);
      expect(negative.json().error.code).toBe('validation_error');
      const unknown = await grant('usr_nobody', { amount: 1 }, 'k-unknown');
      expect(unknown.statusCode).toBe(404);
      expect((await t.hub.services.credits.verifyLedger()).ok).toBe(true);
    });

    it('lists only the caller’s transactions, newest first, with a working cursor', async () => {
      const bob = await createUser(t);
      for (const [i, amount] of [1, 2, 3].entries()) await grant(bob.user.id, { amount }, `bob-${i}`);
      await grant(alice.user.id, { amount: 9 }, 'alice-other');
      const hold = await t.hub.services.credits.hold({ userId: bob.user.id, amount: creditsToUnits(0.5) });
      await t.hub.services.credits.settle(hold.id, creditsToUnits(0.5), { description: 'gpt-test' });

      const first = await t.app.inject({ url: '/api/v1/credits/transactions?limit=2', headers: bob.headers });
      expect(first.statusCode).toBe(200);
      const page1 = first.json();
      expect(page1.data.map((d: { kind: string; amount: number }) => [d.kind, d.amount])).toEqual([
        ['usage', -0.5],
        ['grant', 3],
      ]);
      expect(page1.data[0].description).toBe('gpt-test');
      expect(page1.nextCursor).toEqual(expect.any(String));
      const second = await t.app.inject({
        url: `/api/v1/credits/transactions?limit=2&cursor=${page1.nextCursor}`,
        headers: bob.headers,
      });
      expect(second.json().data.map((d: { amount: number }) => d.amount)).toEqual([2, 1]);
      expect(second.json().nextCursor).toBeNull();
      const bad = await t.app.inject({
        url: '/api/v1/credits/transactions?limit=1000',
        headers: bob.headers,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/limit/);
    });

    it('answers checkout with 503 payments_not_configured when Stripe is not set up, and the webhook too', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/credits/checkout',
        headers: alice.headers,
        payload: { packageId: 'starter' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('payments_not_configured');
      expect(res.headers['x-should-retry']).toBe('false');
      const hook = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        payload: '{}',
      });
      expect(hook.statusCode).toBe(503);
      expect(hook.json().error.code).toBe('payments_not_configured');
    });
  });
}

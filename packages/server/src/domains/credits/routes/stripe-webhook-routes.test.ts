import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeStripe,
  signWebhook,
  startFakeStripe,
  webhookDelivery,
} from '../../../../test/fakes/index.js';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub, type TestHubOptions } from '../../../../test/support/test-hub.js';
import { HUB_EVENT_STREAM } from '../credit-events.js';
import { creditsToUnits } from '../money.js';

const SECRET = 'whsec_credits_test';
const PACKAGES = [
  { id: 'starter', name: '10 credits', credits: 10, price: 1000, currency: 'usd' },
  { id: 'odd', name: '3 credits', credits: 3, price: 700, currency: 'eur' },
];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

for (const dialect of await testDialects()) {
  const coordination = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`Stripe top-ups on ${dialect} + ${coordination}`, () => {
    let t: TestHub;
    let fake: FakeStripe;
    /** The hub's log lines at `warn` and above, parsed. */
    const warnings: Array<Record<string, unknown>> = [];
    beforeAll(async () => {
      fake = await startFakeStripe();
      const dir = mkdtempSync(join(tmpdir(), 'credits-config-'));
      const configFile = join(dir, 'hub.json');
      writeFileSync(configFile, JSON.stringify({ creditPackages: PACKAGES }));
      const stream = new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n')) if (line) warnings.push(JSON.parse(line));
          done();
        },
      });
      t = await createTestHub({
        dialect,
        coordination,
        logger: { level: 'warn', stream },
        env: {
          STRIPE_SECRET_KEY: fake.apiKey!,
          STRIPE_WEBHOOK_SECRET: SECRET,
          STRIPE_API_BASE: fake.url,
          HUB_CONFIG: configFile,
          CREDITS_LOW_THRESHOLD: '1',
        },
      } as TestHubOptions);
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    const balanceOf = async (user: TestUser) =>
      (await t.app.inject({ url: '/api/v1/credits', headers: user.headers })).json();

    const deliver = (event: object, timestamp?: number) => {
      const { payload, headers } = webhookDelivery(event, SECRET, timestamp);
      return t.app.inject({ method: 'POST', url: '/api/v1/webhooks/stripe', headers, payload });
    };

    /** A user with an open checkout session for `packageId`, made through the hub's own route. */
    async function checkout(packageId = 'starter') {
      const user = await createUser(t);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/credits/checkout',
        headers: user.headers,
        payload: { packageId, successUrl: 'https://app.example/paid?s={CHECKOUT_SESSION_ID}' },
      });
      expect(res.statusCode).toBe(201);
      const { id, url } = res.json();
      return { user, sessionId: id as string, url: url as string };
    }

    it('creates a Checkout Session through the official client carrying the package and the buyer', async () => {
      const { user, sessionId, url } = await checkout('odd');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\//);
      const session = fake.session(sessionId)!;
      expect(session).toMatchObject({
        amount_total: 700,
        currency: 'eur',
        client_reference_id: user.user.id,
        metadata: { userId: user.user.id, packageId: 'odd', creditUnits: String(creditsToUnits(3)) },
        success_url: 'https://app.example/paid?s={CHECKOUT_SESSION_ID}',
      });
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/api/v1/credits/checkout',
        headers: user.headers,
        payload: { packageId: 'nope' },
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toMatch(/nope/);
      const packages = await t.app.inject({ url: '/api/v1/credits/packages' });
      expect(packages.json().data).toEqual(PACKAGES);
    });

    it('stores each session it creates: buyer, package, price, currency and credits', async () => {
      const { user, sessionId } = await checkout('odd');
      const stored = await t.hub.db
        .selectFrom('checkout_sessions')
        .selectAll()
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({
        provider: 'stripe',
        user_id: user.user.id,
        package_id: 'odd',
        price: 700,
        currency: 'eur',
        credits: creditsToUnits(3),
        status: 'open',
        payment_id: null,
      });
      const event = fake.completeSession(sessionId);
      expect((await deliver(event)).json()).toEqual({ received: true, handled: true, duplicate: false });
      expect(await balanceOf(user)).toEqual({ balance: 3, held: 0, available: 3 });
      const paid = await t.hub.db
        .selectFrom('checkout_sessions')
        .select(['status', 'payment_id'])
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      expect(paid).toEqual({ status: 'paid', payment_id: event.data.object.payment_intent });
    });

    it('credits nothing for a signed session the hub never created (1 cent, metadata claiming 10,000 credits)', async () => {
      const attacker = await createUser(t);
      // Made on the same Stripe account by someone else (a payment link, another integration, a
      // hand-made session): Stripe signs its events like any other.
      const stripe = new Stripe(fake.apiKey!, { ...fake.clientConfig });
      const claims = {
        userId: attacker.user.id,
        packageId: 'starter',
        creditUnits: String(creditsToUnits(10_000)),
      };
      const forged = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: 'usd', unit_amount: 1, product_data: { name: 'x' } } },
        ],
        client_reference_id: attacker.user.id,
        metadata: claims,
        payment_intent_data: { metadata: claims },
        success_url: 'https://evil.example/ok',
      });
      const completed = fake.completeSession(forged.id);
      const res = await deliver(completed);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: true, handled: false, refused: 'unknown_session' });
      // A replay is acknowledged as one and credits nothing either.
      expect((await deliver(completed)).json()).toEqual({ received: true, handled: true, duplicate: true });
      expect(await balanceOf(attacker)).toEqual({ balance: 0, held: 0, available: 0 });

      const recorded = await t.hub.db
        .selectFrom('payment_events')
        .select(['type', 'object_id', 'user_id'])
        .where('id', '=', completed.id)
        .executeTakeFirstOrThrow();
      expect(recorded).toEqual({ type: 'checkout.session.completed', object_id: forged.id, user_id: null });
      const payment = await t.hub.db
        .selectFrom('credit_payments')
        .select('id')
        .where('session_id', '=', forged.id)
        .execute();
      expect(payment).toEqual([]);
      expect(warnings).toContainEqual(
        expect.objectContaining({
          level: 40,
          eventId: completed.id,
          sessionId: forged.id,
          claimedUserId: attacker.user.id,
          refused: 'unknown_session',
        }),
      );
      expect((await t.hub.services.credits.verifyLedger()).ok).toBe(true);
    });

    it('credits nothing for a hub session paid less than its price, or in another currency', async () => {
      const underpaid = await checkout('starter');
      const cheap = structuredClone(fake.completeSession(underpaid.sessionId));
      cheap.data.object.amount_total = 1;
      const res = await deliver(cheap);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: true, handled: false, refused: 'underpaid' });
      expect(await balanceOf(underpaid.user)).toEqual({ balance: 0, held: 0, available: 0 });
      const status = await t.hub.db
        .selectFrom('checkout_sessions')
        .select('status')
        .where('id', '=', underpaid.sessionId)
        .executeTakeFirstOrThrow();
      expect(status.status).toBe('underpaid');
      expect(warnings).toContainEqual(
        expect.objectContaining({ eventId: cheap.id, refused: 'underpaid', amountTotal: 1 }),
      );

      const otherCurrency = await checkout('starter');
      const yen = structuredClone(fake.completeSession(otherCurrency.sessionId));
      yen.data.object.currency = 'jpy';
      expect((await deliver(yen)).json()).toEqual({
        received: true,
        handled: false,
        refused: 'currency_mismatch',
      });
      expect((await balanceOf(otherCurrency.user)).balance).toBe(0);
      expect((await t.hub.services.credits.verifyLedger()).ok).toBe(true);
    });

    it('credits the buyer and credits stored at checkout, whatever the event’s metadata says', async () => {
      const { user, sessionId } = await checkout('starter');
      const other = await createUser(t);
      const event = structuredClone(fake.completeSession(sessionId));
      event.data.object.metadata = {
        userId: other.user.id,
        packageId: 'starter',
        creditUnits: String(creditsToUnits(10_000)),
      };
      event.data.object.client_reference_id = other.user.id;
      // Paying more than the price is accepted: the package's credits, no more.
      event.data.object.amount_total = 5_000;
      expect((await deliver(event)).json()).toEqual({ received: true, handled: true, duplicate: false });
      expect(await balanceOf(user)).toEqual({ balance: 10, held: 0, available: 10 });
      expect((await balanceOf(other)).balance).toBe(0);
    });

    it('credits a paid checkout once, however often and however concurrently the event arrives', async () => {
      const { user, sessionId } = await checkout();
      const event = fake.completeSession(sessionId);
      for (let i = 0; i < 10; i++) expect((await deliver(event)).statusCode).toBe(200);
      const burst = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
      expect(burst.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
      expect(await balanceOf(user)).toEqual({ balance: 10, held: 0, available: 10 });
      const history = await t.app.inject({ url: '/api/v1/credits/transactions', headers: user.headers });
      expect(history.json().data.map((d: { kind: string }) => d.kind)).toEqual(['payment']);
      expect((await t.hub.services.credits.verifyLedger()).ok).toBe(true);
    });

    it('credits an async payment only when it succeeds, and never when it fails', async () => {
      const pending = await checkout();
      await deliver(fake.completeSession(pending.sessionId, { paid: false }));
      expect((await balanceOf(pending.user)).balance).toBe(0);
      await deliver(fake.asyncPaymentSucceeded(pending.sessionId));
      expect((await balanceOf(pending.user)).balance).toBe(10);

      const failing = await checkout();
      await deliver(fake.completeSession(failing.sessionId, { paid: false }));
      await deliver(fake.asyncPaymentFailed(failing.sessionId));
      expect((await balanceOf(failing.user)).balance).toBe(0);
    });

    it('ends at the same balance for every ordering of completed and refund events, replays included', async () => {
      const orders = permutations(['completed', 'refund25', 'refund50']);
      for (const order of orders) {
        const { user, sessionId } = await checkout();
        const completed = fake.completeSession(sessionId);
        const events: Record<string, object> = {
          completed,
          refund25: fake.refund(sessionId, 250),
          refund50: fake.refund(sessionId, 250),
        };
        for (const name of order) {
          expect((await deliver(events[name]!)).statusCode).toBe(200);
          expect((await deliver(events[name]!)).statusCode).toBe(200);
        }
        expect(await balanceOf(user), order.join(' > ')).toEqual({ balance: 5, held: 0, available: 5 });
      }
      expect((await t.hub.services.credits.verifyLedger()).ok).toBe(true);
    });

    it('applies concurrent distinct events of one payment exactly once each', async () => {
      const { user, sessionId } = await checkout();
      const events = [
        fake.completeSession(sessionId),
        fake.refund(sessionId, 100),
        fake.refund(sessionId, 300),
      ];
      await Promise.all(events.flatMap((e) => [deliver(e), deliver(e), deliver(e)]));
      // 10 credits, 400 of 1000 cents refunded: 6 credits left.
      expect(await balanceOf(user)).toEqual({ balance: 6, held: 0, available: 6 });
      expect((await t.hub.services.credits.verifyLedger()).ok).toBe(true);
    });

    it('lets a refund take the balance below zero, which blocks spending until a top-up', async () => {
      const { user, sessionId } = await checkout();
      await deliver(fake.completeSession(sessionId));
      const { credits } = t.hub.services;
      const hold = await credits.hold({ userId: user.user.id, amount: creditsToUnits(8) });
      await credits.settle(hold.id, creditsToUnits(8));
      await deliver(fake.refund(sessionId));
      expect(await balanceOf(user)).toEqual({ balance: -8, held: 0, available: -8 });
      await expect(credits.hold({ userId: user.user.id, amount: 1 })).rejects.toMatchObject({
        code: 'insufficient_credits',
      });
      const grant = await credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(10),
        idempotencyKey: `top-${user.user.id}`,
      });
      expect(grant.balance.available).toBe(creditsToUnits(2));
      expect((await credits.hold({ userId: user.user.id, amount: creditsToUnits(2) })).amount).toBe(
        creditsToUnits(2),
      );
    });

    it('reverses a disputed payment', async () => {
      const { user, sessionId } = await checkout();
      const completed = fake.completeSession(sessionId);
      const dispute = fake.dispute(sessionId);
      await deliver(dispute);
      await deliver(completed);
      expect((await balanceOf(user)).balance).toBe(0);
      const history = await t.app.inject({ url: '/api/v1/credits/transactions', headers: user.headers });
      expect(history.json().data).toEqual([]);
    });

    it('refuses a tampered or stale webhook with 400 and changes nothing', async () => {
      const { user, sessionId } = await checkout();
      const event = fake.completeSession(sessionId);
      const { payload, headers } = webhookDelivery(event, SECRET);
      const tampered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers,
        payload: payload.replace('"amount_total": 1000', '"amount_total": 100000'),
      });
      expect(tampered.statusCode).toBe(400);
      expect(tampered.json().error.code).toBe('invalid_signature');
      const stale = await deliver(event, Math.floor(Date.now() / 1000) - 3600);
      expect(stale.statusCode).toBe(400);
      expect(stale.json().error.message).toMatch(/tolerance/i);
      const wrongSecret = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers: { ...headers, 'stripe-signature': signWebhook(payload, 'whsec_other') },
        payload,
      });
      expect(wrongSecret.statusCode).toBe(400);
      const unsigned = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(unsigned.statusCode).toBe(400);
      expect(await balanceOf(user)).toEqual({ balance: 0, held: 0, available: 0 });
      const recorded = await t.hub.db
        .selectFrom('payment_events')
        .select('id')
        .where('id', '=', event.id)
        .execute();
      expect(recorded).toEqual([]);
      // The genuine delivery still works afterwards.
      expect((await deliver(event)).statusCode).toBe(200);
      expect((await balanceOf(user)).balance).toBe(10);
    });

    it('announces payment.succeeded and payment.refunded on the event stream', async () => {
      const { user, sessionId } = await checkout();
      await deliver(fake.completeSession(sessionId));
      await deliver(fake.refund(sessionId, 1000));
      await t.hub.coordination.events.ensureGroup(HUB_EVENT_STREAM, `check-${user.user.id}`);
      const events = await t.hub.coordination.events.read(HUB_EVENT_STREAM, `check-${user.user.id}`, 'test', {
        count: 10_000,
      });
      const mine = events.filter((e) => e.data.userId === user.user.id).map((e) => e.type);
      expect(mine).toEqual([
        'credits.changed',
        'payment.succeeded',
        'credits.changed',
        'credits.low',
        'payment.refunded',
      ]);
    });

    it('acknowledges events it does not handle without moving money', async () => {
      const { sessionId } = await checkout();
      const res = await deliver(fake.expireSession(sessionId));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: true, handled: false });
    });
  });
}

import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe } from './fake-stripe.js';
import { signWebhook, webhookDelivery } from './stripe-webhooks.js';

describe('fake-stripe driven by the official stripe client', () => {
  let fake: FakeStripe;
  let stripe: Stripe;
  const secret = 'whsec_test_secret';

  beforeAll(async () => {
    fake = await startFakeStripe({ prices: { price_credits_10: { unit_amount: 1000, currency: 'usd' } } });
    stripe = new Stripe(fake.apiKey!, { ...fake.clientConfig, maxNetworkRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const createSession = (extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          price_data: { currency: 'usd', unit_amount: 500, product_data: { name: '500 credits' } },
          quantity: 2,
        },
      ],
      metadata: { userId: 'user_42', credits: '1000' },
      client_reference_id: 'user_42',
      success_url: 'https://hub.example/billing/success?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://hub.example/billing/cancel',
      ...extra,
    });

  it('creates a checkout session from form-encoded params and retrieves it', async () => {
    const session = await createSession();
    expect(session).toMatchObject({
      object: 'checkout.session',
      amount_total: 1000,
      amount_subtotal: 1000,
      currency: 'usd',
      payment_status: 'unpaid',
      status: 'open',
      mode: 'payment',
      metadata: { userId: 'user_42', credits: '1000' },
      client_reference_id: 'user_42',
      payment_intent: null,
      success_url: 'https://hub.example/billing/success?session={CHECKOUT_SESSION_ID}',
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${fake.url}/pay/${session.id}`);
    expect(fake.requests[0]?.body).toMatchObject({
      line_items: [{ price_data: { unit_amount: '500', currency: 'usd' }, quantity: '2' }],
      metadata: { userId: 'user_42' },
    });

    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(retrieved.id).toBe(session.id);
    expect(retrieved.line_items?.data).toEqual([
      expect.objectContaining({ quantity: 2, amount_total: 1000, description: '500 credits' }),
    ]);
    await expect(stripe.checkout.sessions.retrieve('cs_test_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('prices line items by a known price id and rejects bad params like Stripe', async () => {
    const byPrice = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_credits_10', quantity: 3 }],
      success_url: 'https://hub.example/ok',
    });
    expect(byPrice.amount_total).toBe(3000);
    await expect(
      stripe.checkout.sessions.create({ line_items: [{ price: 'price_credits_10', quantity: 1 }] } as never),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'mode' });
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_nope', quantity: 1 }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing' });
  });

  it('replays the same response for the same Idempotency-Key and refuses a different body', async () => {
    const keyed1 = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_credits_10', quantity: 1 }] },
      { idempotencyKey: 'topup-1' },
    );
    const keyed2 = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_credits_10', quantity: 1 }] },
      { idempotencyKey: 'topup-1' },
    );
    expect(keyed2.id).toBe(keyed1.id);
    fake.completeSession(keyed1.id);
    const replayed = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_credits_10', quantity: 1 }] },
      { idempotencyKey: 'topup-1' },
    );
    expect(replayed).toMatchObject({ id: keyed1.id, status: 'open' });
    expect(keyed2.lastResponse.headers['idempotent-replayed']).toBe('true');
    const unkeyed = await createSession();
    expect(unkeyed.id).not.toBe(keyed1.id);
    await expect(
      stripe.checkout.sessions.create(
        { mode: 'payment', line_items: [{ price: 'price_credits_10', quantity: 2 }] },
        { idempotencyKey: 'topup-1' },
      ),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });

  it('retries a scripted 500 with the same idempotency key and creates exactly one session', async () => {
    const retrying = new Stripe(fake.apiKey!, { ...fake.clientConfig, maxNetworkRetries: 1 });
    fake.script({ status: 500 });
    const session = await retrying.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_credits_10', quantity: 1 }],
    });
    expect(session.amount_total).toBe(1000);
    expect(fake.requests).toHaveLength(2);
    const keys = fake.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^stripe-node-retry-/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('rejects a wrong key with a Stripe-shaped 401', async () => {
    const wrong = new Stripe('sk_test_wrong_key_123', { ...fake.clientConfig, maxNetworkRetries: 0 });
    await expect(wrong.checkout.sessions.retrieve('cs_test_x')).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    });
  });

  it('completes a session into a checkout.session.completed event that verifies as a signed webhook', async () => {
    const session = await createSession();
    const event = fake.completeSession(session.id);
    expect(event).toMatchObject({
      object: 'event',
      type: 'checkout.session.completed',
      livemode: false,
      api_version: Stripe.API_VERSION,
      pending_webhooks: 1,
      data: {
        object: {
          id: session.id,
          status: 'complete',
          payment_status: 'paid',
          amount_total: 1000,
          metadata: { userId: 'user_42', credits: '1000' },
          customer_details: { email: 'buyer@example.com' },
        },
      },
    });
    expect(event.id).toMatch(/^evt_/);
    expect(event.data.object.payment_intent).toMatch(/^pi_/);

    const payload = JSON.stringify(event);
    const verified = stripe.webhooks.constructEvent(payload, signWebhook(payload, secret), secret);
    expect(verified.id).toBe(event.id);
    expect(verified.type).toBe('checkout.session.completed');
    expect(() =>
      stripe.webhooks.constructEvent(payload, signWebhook(payload, 'whsec_other'), secret),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const stale = Math.floor(Date.now() / 1000) - 3600;
    expect(() =>
      stripe.webhooks.constructEvent(payload, signWebhook(payload, secret, stale), secret),
    ).toThrow(/Timestamp outside the tolerance zone/);
    const delivery = webhookDelivery(event, secret);
    expect(
      stripe.webhooks.constructEvent(delivery.payload, delivery.headers['stripe-signature'], secret).id,
    ).toBe(event.id);

    const after = await stripe.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    const intent = await stripe.paymentIntents.retrieve(after.payment_intent as string);
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: 1000 });
    expect((await stripe.events.retrieve(event.id)).type).toBe('checkout.session.completed');
    expect(() => fake.completeSession(session.id)).toThrow(/not open/);
  });

  it('settles delayed payments with async_payment events', async () => {
    const ok = await createSession();
    const completed = fake.completeSession(ok.id, { paid: false });
    expect(completed.data.object).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    const succeeded = fake.asyncPaymentSucceeded(ok.id);
    expect(succeeded.type).toBe('checkout.session.async_payment_succeeded');
    expect(succeeded.data.object.payment_status).toBe('paid');
    // Events are snapshots: the earlier one still shows the unpaid state.
    expect(completed.data.object.payment_status).toBe('unpaid');

    const bad = await createSession();
    fake.completeSession(bad.id, { paid: false });
    const failed = fake.asyncPaymentFailed(bad.id);
    expect(failed.type).toBe('checkout.session.async_payment_failed');
    expect(failed.data.object.payment_status).toBe('unpaid');
    expect(() => fake.refund(bad.id)).toThrow(/no charge/);
  });

  it('refunds (cumulative amount_refunded) and disputes the charge', async () => {
    const session = await createSession();
    fake.completeSession(session.id);
    const partial = fake.refund(session.id, 300);
    expect(partial.type).toBe('charge.refunded');
    expect(partial.data.object).toMatchObject({
      object: 'charge',
      amount: 1000,
      amount_refunded: 300,
      refunded: false,
      metadata: { userId: 'user_42', credits: '1000' },
    });
    expect(partial.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(partial.data.object.payment_intent).toBe(fake.session(session.id)?.payment_intent);
    const rest = fake.refund(session.id);
    expect(rest.data.object).toMatchObject({ amount_refunded: 1000, refunded: true });

    const other = await createSession();
    fake.completeSession(other.id);
    const dispute = fake.dispute(other.id);
    expect(dispute.type).toBe('charge.dispute.created');
    expect(dispute.data.object).toMatchObject({
      object: 'dispute',
      amount: 1000,
      reason: 'fraudulent',
      status: 'needs_response',
    });
    const charge = await stripe.charges.retrieve(dispute.data.object.charge);
    expect(charge.disputed).toBe(true);
    const listed = await stripe.events.list({ type: 'charge.dispute.created' });
    expect(listed.data.map((e) => e.id)).toEqual([dispute.id]);
  });

  it('serves a pay page that completes the session, delivers the webhook and redirects to success_url', async () => {
    const received: { payload: string; signature: string }[] = [];
    const { createServer } = await import('node:http');
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ payload: body, signature: req.headers['stripe-signature'] as string });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const port = (hook.address() as { port: number }).port;
    const withHook = await startFakeStripe({
      webhook: { url: `http://127.0.0.1:${port}/webhooks/stripe`, secret },
    });
    try {
      const client = new Stripe(withHook.apiKey!, { ...withHook.clientConfig, maxNetworkRetries: 0 });
      const session = await client.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          {
            price_data: { currency: 'eur', unit_amount: 250, product_data: { name: 'Top-up' } },
            quantity: 1,
          },
        ],
        success_url: 'https://hub.example/done?cs={CHECKOUT_SESSION_ID}',
      });
      const page = await fetch(session.url!);
      expect(await page.text()).toContain('Pay 2.50 EUR');
      const paid = await fetch(session.url!, { method: 'POST', redirect: 'manual' });
      expect(paid.status).toBe(303);
      expect(paid.headers.get('location')).toBe(`https://hub.example/done?cs=${session.id}`);
      expect(received).toHaveLength(1);
      const event = client.webhooks.constructEvent(received[0]!.payload, received[0]!.signature, secret);
      expect(event.type).toBe('checkout.session.completed');
      expect((event.data.object as Stripe.Checkout.Session).id).toBe(session.id);
    } finally {
      await withHook.close();
      await new Promise((resolve) => hook.close(resolve));
    }
  });
});

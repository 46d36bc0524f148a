import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe, webhookDelivery } from '../../../../test/fakes/index.js';
import { createUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';

const SECRET = 'whsec_checkout_status';

for (const dialect of await testDialects()) {
  describe(`a checkout's outcome for the page Stripe returns to, on ${dialect}`, () => {
    let t: TestHub;
    let fake: FakeStripe;
    beforeAll(async () => {
      fake = await startFakeStripe();
      const file = join(mkdtempSync(join(tmpdir(), 'checkout-status-')), 'hub.json');
      writeFileSync(
        file,
        JSON.stringify({
          creditPackages: [{ id: 'starter', name: '10 credits', credits: 10, price: 1000, currency: 'usd' }],
        }),
      );
      t = await createTestHub({
        dialect,
        env: {
          STRIPE_SECRET_KEY: fake.apiKey!,
          STRIPE_WEBHOOK_SECRET: SECRET,
          STRIPE_API_BASE: fake.url,
          HUB_CONFIG: file,
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    it('is open until Stripe says it is paid, then paid with its credits; only the buyer sees it', async () => {
      const buyer = await createUser(t);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/credits/checkout',
        headers: buyer.headers,
        payload: { packageId: 'starter' },
      });
      expect(created.statusCode).toBe(201);
      const { id } = created.json();
      const status = () => t.app.inject({ url: `/api/v1/credits/checkout/${id}`, headers: buyer.headers });
      expect((await status()).json()).toEqual({
        id,
        status: 'open',
        packageId: 'starter',
        credits: 10,
        price: 1000,
        currency: 'usd',
      });

      const { payload, headers } = webhookDelivery(fake.completeSession(id), SECRET);
      const delivered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers,
        payload,
      });
      expect(delivered.statusCode).toBe(200);
      expect((await status()).json()).toMatchObject({ status: 'paid', credits: 10 });

      const stranger = await createUser(t);
      const res = await t.app.inject({ url: `/api/v1/credits/checkout/${id}`, headers: stranger.headers });
      expect(res.statusCode).toBe(404);
      const unknown = await t.app.inject({ url: '/api/v1/credits/checkout/cs_nope', headers: buyer.headers });
      expect(unknown.statusCode).toBe(404);
    });
  });
}

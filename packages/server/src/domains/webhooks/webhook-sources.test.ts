import { newId } from '@smart-ai-hub/adapters';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import {
  openWebhookStack,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookStack,
} from '../../../test/support/webhooks-kit.js';
import { creditsToUnits, unitsToCredits } from '../credits/money.js';
import { usageByUser } from '../models/usage/usage-by-user.js';
import { pollUntil } from '../notifications/notifications-test-kit.js';
import { summarizeUsageDay } from './usage-daily.js';

const DAY = 86_400_000;

for (const dialect of await testDialects()) {
  describe(`webhook sources on ${dialect === 'postgres' ? 'postgres + redis' : 'sqlite + memory'}`, () => {
    let stack: WebhookStack;
    let receiver: WebhookReceiver;
    let app: FastifyInstance;
    let admin: TestUser;

    beforeAll(async () => {
      stack = await openWebhookStack(dialect);
      receiver = await startWebhookReceiver();
      app = await stack.startHub();
      admin = await createUser(app.hub, { role: 'admin' });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/webhooks',
        headers: admin.headers,
        payload: {
          url: receiver.url,
          events: [
            'provider.circuit_opened',
            'provider.circuit_closed',
            'usage.daily',
            'credits.low',
            'api_key.revoked',
            'user.disabled',
          ],
        },
      });
      receiver.secrets = [res.json().secret];
    });
    afterAll(async () => {
      await stack?.close();
      await receiver?.close();
    });

    const received = (type: string) =>
      pollUntil(
        async () => receiver.requests.filter((r) => r.type === type),
        (list) => list.length > 0,
      );

    it('announces a deployment’s circuit opening and closing', async () => {
      const breaker = app.hub.services.models.breaker('mock-small');
      for (let i = 0; i < 5; i++) breaker.failure();
      const [opened] = await received('provider.circuit_opened');
      expect(opened!.message.data).toMatchObject({
        deploymentId: 'mock-small',
        provider: 'mock',
        models: ['mock-small'],
      });
      breaker.success();
      const [closed] = await received('provider.circuit_closed');
      expect(closed!.message.data).toMatchObject({ deploymentId: 'mock-small' });
      expect(closed!.verified).toBe(true);
    });

    it('tells when a balance runs low, a key is revoked, a user is disabled', async () => {
      const u = await createUser(app.hub);
      await app.hub.services.credits.grant({
        userId: u.user.id,
        amount: creditsToUnits(2),
        idempotencyKey: `g-${u.user.id}`,
      });
      const hold = await app.hub.services.credits.hold({ userId: u.user.id, amount: creditsToUnits(1.5) });
      await app.hub.services.credits.settle(hold.id, creditsToUnits(1.5));
      const [low] = await received('credits.low');
      expect(low!.message.data).toMatchObject({ userId: u.user.id, balance: 0.5, threshold: 1 });

      await app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${u.apiKeyId}`, headers: u.headers });
      const [revoked] = await received('api_key.revoked');
      expect(revoked!.message.data).toEqual({ userId: u.user.id, apiKeyId: u.apiKeyId });

      await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${u.user.id}`,
        headers: admin.headers,
        payload: { disabled: true },
      });
      const [disabled] = await received('user.disabled');
      expect(disabled!.message.data).toEqual({ userId: u.user.id, disabledBy: admin.user.id });
    });

    it('sends each user’s usage of a day once, the day after', async () => {
      const { db } = stack.database;
      const day0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY;
      const [ada, bob] = [await createUser(app.hub), await createUser(app.hub)];
      const row = (
        userId: string,
        model: string,
        input: number,
        output: number,
        cost: number,
        at: number,
      ) => ({
        id: newId('use'),
        request_id: newId('req'),
        user_id: userId,
        api_key_id: null,
        end_user: null,
        model,
        provider: 'mock',
        deployment: 'mock',
        endpoint: 'chat',
        input_tokens: input,
        output_tokens: output,
        cost,
        latency_ms: 5,
        status: 'ok',
        error_code: null,
        created_at: at,
      });
      await db
        .insertInto('usage_logs')
        .values([
          row(ada.user.id, 'mock', 100, 20, 7, day0 + 1_000),
          row(ada.user.id, 'mock-small', 10, 5, creditsToUnits(0.25), day0 + 2_000),
          row(bob.user.id, 'mock', 1, 1, 1, day0 + DAY - 1),
          row(bob.user.id, 'mock', 50, 50, 50, day0 + DAY), // the next day
        ])
        .execute();
      await db.deleteFrom('webhook_cursors').where('name', '=', 'usage.daily').execute();
      const deps = {
        db,
        endpoints: app.hub.services.webhooks.endpoints,
        fanout: app.hub.services.webhooks.fanout,
        usageByUser: (from: number, to: number) => usageByUser(db, from, to),
      };
      // The first look only marks where summaries start; a day is summarized once it is over.
      expect(await summarizeUsageDay({ ...deps, now: day0 + 3_600_000 })).toBe(false);
      expect(await summarizeUsageDay({ ...deps, now: day0 + DAY + 60_000 })).toBe(false);
      expect(await summarizeUsageDay({ ...deps, now: day0 + DAY + 10 * 60_000 })).toBe(true);
      expect(await summarizeUsageDay({ ...deps, now: day0 + DAY + 10 * 60_000 })).toBe(false);
      // Done again from the start (a replica that stopped before moving the cursor): no second delivery.
      await db
        .updateTable('webhook_cursors')
        .set({ position: day0 / DAY - 1 })
        .where('name', '=', 'usage.daily')
        .execute();
      expect(await summarizeUsageDay({ ...deps, now: day0 + DAY + 10 * 60_000 })).toBe(true);

      const summaries = await pollUntil(
        async () => receiver.requests.filter((r) => r.type === 'usage.daily'),
        (list) => list.length >= 2,
      );
      const date = new Date(day0).toISOString().slice(0, 10);
      const forAda = summaries.find((s) => s.message.data.userId === ada.user.id)!;
      expect(forAda.message).toMatchObject({
        timestamp: new Date(day0 + DAY).toISOString(),
        data: {
          day: date,
          requests: 2,
          inputTokens: 110,
          outputTokens: 25,
          cost: unitsToCredits(7 + creditsToUnits(0.25)),
          byModel: [
            { model: 'mock', requests: 1, cost: unitsToCredits(7) },
            { model: 'mock-small', requests: 1, cost: 0.25 },
          ],
        },
      });
      expect(summaries.find((s) => s.message.data.userId === bob.user.id)!.message.data).toMatchObject({
        requests: 1,
        cost: unitsToCredits(1),
      });
      const ids = summaries.map((s) => s.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(`msg_usage_${date}_${ada.user.id}`);
    });
  });
}

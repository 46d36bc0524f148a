import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/support/auth-fixtures.js';
import {
  openWebhookStack,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookStack,
} from '../../../test/support/webhooks-kit.js';
import { creditsToUnits } from '../credits/money.js';
import { pollUntil } from '../notifications/notifications-test-kit.js';

for (const dialect of await testDialects()) {
  const stackName = dialect === 'postgres' ? 'postgres + redis, two replicas' : 'sqlite + memory';
  describe(`webhook delivery on ${stackName}`, () => {
    let stack: WebhookStack;
    let receiver: WebhookReceiver;

    beforeEach(async () => {
      stack = await openWebhookStack(dialect);
      receiver = await startWebhookReceiver();
    });
    afterEach(async () => {
      await stack?.close();
      await receiver?.close();
    });

    /** Registers the receiver for `events` through the API; its secret verifies what it receives. */
    async function register(app: Awaited<ReturnType<WebhookStack['startHub']>>, events: string[]) {
      const admin = await createUser(app.hub, { role: 'admin' });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/webhooks',
        headers: admin.headers,
        payload: { url: receiver.url, events, description: 'the test receiver' },
      });
      expect(res.statusCode).toBe(201);
      receiver.secrets = [res.json().secret];
      return { admin, endpointId: res.json().id as string };
    }

    it('delivers every event once, signed, despite a receiver answering 500 twice and a restart mid-delivery', async () => {
      const first = await stack.startHub();
      const other = dialect === 'postgres' ? await stack.startHub() : undefined;
      const { endpointId } = await register(first, [
        'user.created',
        'api_key.created',
        'credits.granted',
        'audit.*',
      ]);
      const created = await first.hub.services.audit.list({ limit: 1, action: 'webhook.endpoint_created' });
      const fromSeq = created.data[0]!.seq;

      let release!: () => void;
      const held = new Promise<number>((resolve) => {
        release = () => resolve(200);
      });
      let holding = false;
      receiver.answer = ({ type, nth }) => {
        if (type === 'user.created' && nth <= 2) return 500;
        if (type === 'credits.granted' && nth === 1) {
          holding = true;
          return held;
        }
        return 200;
      };

      // Actions on both replicas: a user (user.created, a sign-in, a key), and a grant.
      const ada = await createUser(first.hub);
      if (other) await createUser(other.hub);
      await first.hub.services.credits.grant({
        userId: ada.user.id,
        amount: creditsToUnits(5),
        idempotencyKey: `grant-${ada.user.id}`,
      });
      await pollUntil(
        async () => holding,
        (h) => h,
      );

      // The replica restarts while the grant's delivery is in flight: it lets the attempt finish.
      const closing = first.close();
      release();
      await closing;
      const restarted = await stack.startHub();
      const bob = await createUser(restarted.hub);

      const { db } = stack.database;
      const deliveries = await pollUntil(
        () => db.selectFrom('webhook_deliveries').selectAll().execute(),
        (rows) =>
          rows.some((r) => r.event_type === 'user.created' && r.payload.includes(bob.user.id)) &&
          rows.every((r) => r.status === 'succeeded'),
        20_000,
      );

      // Every audit record since the endpoint exists, and each product event, reached the receiver.
      const records = await db
        .selectFrom('audit_log')
        .select(['id', 'action'])
        .where('seq', '>=', fromSeq)
        .execute();
      const expected = new Set([
        ...records.map((r) => `msg_${r.id}`),
        ...records
          .filter((r) => ['user.created', 'api_key.created'].includes(r.action))
          .map((r) => `msg_${r.id}_${r.action}`),
      ]);
      const accepted = receiver.accepted();
      for (const id of expected) expect(accepted.get(id), id).toBe(1);
      expect(deliveries.filter((d) => d.event_type === 'credits.granted')).toHaveLength(1);
      // Once each: no message was accepted twice, none was sent unsigned or with a wrong signature.
      expect([...accepted.values()].every((n) => n === 1)).toBe(true);
      expect(accepted.size).toBe(deliveries.length);
      expect(receiver.requests.every((r) => r.verified)).toBe(true);

      // The 500s were retried: three attempts, logged once each, the last one 200.
      const refused = deliveries.find(
        (d) => d.event_type === 'user.created' && d.payload.includes(ada.user.id),
      )!;
      expect(refused).toMatchObject({ attempts: 3, last_status: 200 });
      const attempts = await db
        .selectFrom('webhook_attempts')
        .select(['attempt', 'status'])
        .where('delivery_id', '=', refused.id)
        .orderBy('attempt')
        .execute();
      expect(attempts).toEqual([
        { attempt: 1, status: 500 },
        { attempt: 2, status: 500 },
        { attempt: 3, status: 200 },
      ]);
      expect(
        receiver.requests.filter((r) => r.messageId === refused.message_id).map((r) => r.status),
      ).toEqual([500, 500, 200]);
      // Every request the receiver saw is an attempt in the log, and no attempt was made twice.
      const allAttempts = await db
        .selectFrom('webhook_attempts')
        .select(['delivery_id', 'attempt'])
        .execute();
      expect(allAttempts).toHaveLength(receiver.requests.length);
      expect(new Set(allAttempts.map((a) => `${a.delivery_id}/${a.attempt}`)).size).toBe(allAttempts.length);

      // The payloads are the Standard Webhooks shape, amounts in credits.
      const grant = receiver.requests.find((r) => r.type === 'credits.granted')!;
      expect(grant.message).toMatchObject({
        type: 'credits.granted',
        data: { userId: ada.user.id, amount: 5, balance: 5 },
      });
      expect(grant.headers['webhook-signature']).toMatch(/^v1,/);
      const log = await restarted.inject({
        url: `/api/v1/admin/webhooks/${endpointId}/deliveries?limit=200`,
        headers: (await createUser(restarted.hub, { role: 'admin' })).headers,
      });
      expect(log.json().data.find((d: { id: string }) => d.id === refused.id)).toMatchObject({
        status: 'succeeded',
        attempts: 3,
        lastStatus: 200,
        lastResponse: 'thanks',
      });
    });
  });
}

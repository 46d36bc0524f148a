import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { WebhookDeliveryDetail, WebhookEndpointInfo } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import {
  openWebhookStack,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookStack,
} from '../../../test/support/webhooks-kit.js';
import { createAddressPolicy } from '../../outbound/address-policy.js';
import { pollUntil } from '../notifications/notifications-test-kit.js';
import { createWebhookEndpoints } from './webhook-endpoints.js';
import { createSecretBox } from './webhook-secret.js';

for (const dialect of await testDialects()) {
  describe(`webhook endpoints over HTTP on ${dialect === 'postgres' ? 'postgres + redis' : 'sqlite + memory'}`, () => {
    let stack: WebhookStack;
    let receiver: WebhookReceiver;
    let app: FastifyInstance;
    let admin: TestUser;
    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      app.inject({
        method,
        url: `/api/v1/admin/webhooks${url}`,
        headers: admin.headers,
        ...(payload ? { payload } : {}),
      });
    const register = async (events = ['user.created']) => {
      const res = await api('POST', '', { url: receiver.url, events, description: 'ours' });
      expect(res.statusCode).toBe(201);
      return res.json() as WebhookEndpointInfo & { secret: string };
    };
    /** The delivery of `userId`'s `user.created` (other users' may be there too: the admin's). */
    const deliveryFor = (userId: string) =>
      pollUntil(
        () =>
          stack.database.db
            .selectFrom('webhook_deliveries')
            .selectAll()
            .where('event_type', '=', 'user.created')
            .execute(),
        (rows) => rows.some((r) => r.payload.includes(userId)),
      ).then((rows) => rows.find((r) => r.payload.includes(userId))!);
    /** Waits until the hub has fanned out every audit record so far. */
    const fannedOut = async () => {
      const { lastSeq } = await app.hub.services.audit.verify();
      await pollUntil(
        () =>
          stack.database.db
            .selectFrom('webhook_cursors')
            .select('position')
            .where('name', '=', 'audit')
            .executeTakeFirst(),
        (row) => row !== undefined && Number(row.position) >= lastSeq,
      );
    };

    beforeEach(async () => {
      stack = await openWebhookStack(dialect, { HUB_WEBHOOK_RETRY_WINDOW: '1' });
      receiver = await startWebhookReceiver();
      app = await stack.startHub();
      admin = await createUser(app.hub, { role: 'admin' });
    });
    afterEach(async () => {
      await stack?.close();
      await receiver?.close();
    });

    it('answers the secret once, keeps it sealed, and audits every change without it', async () => {
      const endpoint = await register(['user.created', 'audit.auth.*']);
      expect(endpoint).toMatchObject({
        url: receiver.url,
        events: ['user.created', 'audit.auth.*'],
        disabled: false,
      });
      expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const listed = (await api('GET', '')).json().data;
      expect(listed).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
      expect(JSON.stringify((await api('GET', `/${endpoint.id}`)).json())).not.toContain(endpoint.secret);
      const row = await stack.database.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(row.secret).not.toContain(endpoint.secret.slice('whsec_'.length, 20));

      const patched = await api('PATCH', `/${endpoint.id}`, { description: 'renamed', disabled: true });
      expect(patched.json()).toMatchObject({ description: 'renamed', disabled: true });
      const rotated = await api('POST', `/${endpoint.id}/rotate-secret`);
      expect(rotated.json().secret).toMatch(/^whsec_/);
      expect(rotated.json().secret).not.toBe(endpoint.secret);
      expect((await api('DELETE', `/${endpoint.id}`)).statusCode).toBe(204);
      expect((await api('GET', `/${endpoint.id}`)).statusCode).toBe(404);

      const audit = await app.hub.services.audit.list({ limit: 10, target: endpoint.id });
      expect(audit.data.map((r) => r.action).reverse()).toEqual([
        'webhook.endpoint_created',
        'webhook.endpoint_updated',
        'webhook.secret_rotated',
        'webhook.endpoint_deleted',
      ]);
      expect(audit.data[2]).toMatchObject({
        actor: { kind: 'user', id: admin.user.id },
        changes: {
          before: { description: 'ours', disabled: false },
          after: { description: 'renamed', disabled: true },
        },
      });
      const text = JSON.stringify(audit.data);
      expect(text).not.toContain(endpoint.secret);
      expect(text).not.toContain(rotated.json().secret);
    });

    it('refuses unknown events, other schemes, and private addresses the operator did not allow', async () => {
      const unknown = await api('POST', '', { url: receiver.url, events: ['user.deleted'] });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toMatch(/unknown event "user\.deleted"/);
      expect((await api('POST', '', { url: 'ftp://127.0.0.1/', events: ['user.created'] })).statusCode).toBe(
        400,
      );

      const strict = await stack.startHub({ HUB_ALLOW_PRIVATE_URLS: '' });
      const strictAdmin = await createUser(strict.hub, { role: 'admin' });
      for (const url of [
        receiver.url,
        'http://localhost:9/',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/',
      ]) {
        const res = await strict.inject({
          method: 'POST',
          url: '/api/v1/admin/webhooks',
          headers: strictAdmin.headers,
          payload: { url, events: ['user.created'] },
        });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error.message).toMatch(/loopback|linkLocal/);
      }
      // The same rule on an edit.
      const endpoint = await register();
      const moved = await strict.inject({
        method: 'PATCH',
        url: `/api/v1/admin/webhooks/${endpoint.id}`,
        headers: strictAdmin.headers,
        payload: { url: 'http://10.0.0.1/' },
      });
      expect(moved.statusCode).toBe(400);
      expect(moved.json().error.details).toMatchObject({ field: 'url', reason: 'private' });
    });

    it('signs with both secrets for a day after a rotation; a disabled endpoint receives nothing', async () => {
      const endpoint = await register();
      const rotated = (await api('POST', `/${endpoint.id}/rotate-secret`)).json();
      receiver.secrets = [endpoint.secret];
      const u1 = await createUser(app.hub);
      const first = await pollUntil(
        async () => receiver.requests.find((r) => r.message.data.userId === u1.user.id),
        (r) => r !== undefined,
      );
      const body = JSON.stringify(first!.message);
      const headers = Object.fromEntries(Object.entries(first!.headers).map(([k, v]) => [k, String(v)]));
      expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
      // Each secret alone verifies it: receivers can switch whenever they like within the day.
      expect(() => new Webhook(endpoint.secret).verify(body, headers)).not.toThrow();
      expect(() => new Webhook(rotated.secret).verify(body, headers)).not.toThrow();
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(body, headers),
      ).toThrow();

      await api('PATCH', `/${endpoint.id}`, { disabled: true });
      const u2 = await createUser(app.hub);
      // Events are matched to the endpoints enabled when they are fanned out (within a second).
      await fannedOut();
      await api('PATCH', `/${endpoint.id}`, { disabled: false });
      const u3 = await createUser(app.hub);
      await pollUntil(
        async () => receiver.requests.some((r) => r.message.data.userId === u3.user.id),
        (seen) => seen,
      );
      expect(receiver.requests.some((r) => r.message.data.userId === u2.user.id)).toBe(false);
    });

    it('marks a delivery failed once its retry window is over, shows why, and resends it', async () => {
      const endpoint = await register();
      receiver.secrets = [endpoint.secret];
      let answer = 500;
      receiver.answer = () => answer;
      const u = await createUser(app.hub);
      const { id } = await deliveryFor(u.user.id);
      const detailOf = async () =>
        (await api('GET', `/${endpoint.id}/deliveries/${id}`)).json() as WebhookDeliveryDetail;
      const detail = await pollUntil(detailOf, (d) => d.status === 'failed');
      const listed = (await api('GET', `/${endpoint.id}/deliveries?status=failed`)).json().data;
      expect(listed.map((d: { id: string }) => d.id)).toContain(id);
      expect(detail).toMatchObject({
        status: 'failed',
        lastStatus: 500,
        lastResponse: 'no: 500',
        eventType: 'user.created',
      });
      expect(detail.attempts).toBeGreaterThanOrEqual(2);
      expect(detail.attemptLog).toHaveLength(detail.attempts);
      expect(detail.attemptLog.every((a) => a.status === 500 && a.latencyMs >= 0)).toBe(true);
      expect(detail.message).toMatchObject({ type: 'user.created', data: { userId: u.user.id } });

      answer = 200;
      const resent = await api('POST', `/${endpoint.id}/deliveries/${id}/resend`);
      expect(resent.statusCode).toBe(202);
      expect(resent.json()).toMatchObject({ status: 'pending', finishedAt: null });
      const after = await pollUntil(detailOf, (d) => d.status === 'succeeded');
      expect(after.attemptLog.at(-1)).toMatchObject({
        attempt: detail.attempts + 1,
        status: 200,
        response: 'thanks',
      });
      expect(
        receiver.requests
          .filter((r) => r.messageId === detail.messageId)
          .map((r) => r.status)
          .at(-1),
      ).toBe(200);
      expect((await api('POST', `/${endpoint.id}/deliveries/whd_unknown/resend`)).statusCode).toBe(404);
    });

    it('refuses at delivery time a name that resolves to a private address now (DNS rebinding)', async () => {
      const strict = await stack.startHub({ HUB_ALLOW_PRIVATE_URLS: '' });
      // Registered while "localhost" seemed public (a resolver that says so stands in for DNS then).
      const endpoints = createWebhookEndpoints({
        db: stack.database.db,
        box: createSecretBox(strict.hub.secret.deriveKey('webhook-secrets')),
        policy: createAddressPolicy(undefined),
        resolve: async () => ['93.184.216.34'],
      });
      const port = new URL(receiver.url).port;
      const { row } = await endpoints.create({
        url: `http://localhost:${port}/hooks`,
        events: ['user.created'],
      });
      await app.close();
      await createUser(strict.hub);
      const attempt = await pollUntil(
        () => stack.database.db.selectFrom('webhook_attempts').selectAll().execute(),
        (rows) => rows.length > 0,
      );
      expect(attempt[0]!.status).toBeNull();
      expect(attempt[0]!.error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
      expect(receiver.requests).toEqual([]);
      expect(row.url).toBe(`http://localhost:${port}/hooks`);
    });

    it('attempts again a delivery whose replica died mid-attempt, once its claim expired', async () => {
      const endpoint = await register();
      receiver.secrets = [endpoint.secret];
      // A replica claimed attempt 1 and died: its lease is over, no attempt was logged.
      await app.hub.services.webhooks.worker.stop();
      const u = await createUser(app.hub);
      const delivery = await deliveryFor(u.user.id);
      await stack.database.db
        .updateTable('webhook_deliveries')
        .set({ attempts: 1, lease_owner: 'dead-replica', lease_until: Date.now() - 1 })
        .where('id', '=', delivery.id)
        .execute();
      const other = await stack.startHub();
      const done = await pollUntil(
        () =>
          stack.database.db
            .selectFrom('webhook_deliveries')
            .selectAll()
            .where('id', '=', delivery.id)
            .executeTakeFirstOrThrow(),
        (row) => row.status === 'succeeded',
      );
      expect(done).toMatchObject({ attempts: 2, lease_owner: null });
      const attempts = await stack.database.db
        .selectFrom('webhook_attempts')
        .select(['attempt', 'replica'])
        .where('delivery_id', '=', delivery.id)
        .execute();
      expect(attempts).toEqual([{ attempt: 2, replica: expect.not.stringMatching('dead-replica') }]);
      expect(receiver.accepted().get(delivery.message_id)).toBe(1);
      await other.close();
    });
  });
}

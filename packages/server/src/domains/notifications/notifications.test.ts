import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { NotificationPage, NotificationPreferences } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/fakes/smtp-sink.js';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import type { TestHub } from '../../../test/support/test-hub.js';
import { HUB_EVENT_STREAM } from '../credits/credit-events.js';
import { creditsToUnits } from '../credits/money.js';
import { notificationsHub, paymentEvent } from './notifications-test-kit.js';

for (const dialect of await testDialects()) {
  describe(`notifications on ${dialect}`, () => {
    let t: TestHub;
    let sink: SmtpSink;

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await notificationsHub(dialect, { smtpUrl: sink.url });
    });
    afterAll(async () => {
      await t?.close();
      await sink?.close();
    });
    beforeEach(() => sink.clear());

    const list = async (u: TestUser, query = ''): Promise<NotificationPage> => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/notifications${query}`,
        headers: u.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    /** Spends a user from 2 credits down to 0.5, crossing the low threshold (1 credit) once. */
    async function spendBelowThreshold(u: TestUser): Promise<void> {
      const { credits } = t.hub.services;
      await credits.grant({ userId: u.user.id, amount: creditsToUnits(2), idempotencyKey: `g-${u.user.id}` });
      const hold = await credits.hold({ userId: u.user.id, amount: creditsToUnits(1.5) });
      await credits.settle(hold.id, creditsToUnits(1.5));
    }

    /**
     * Appends a payment event after what came before and waits for its email: the consumer handles
     * the stream in order, so everything appended earlier has been handled too.
     */
    async function drain(u: TestUser): Promise<void> {
      const { data } = paymentEvent(u.user.id, 3);
      await t.hub.coordination.events.append(HUB_EVENT_STREAM, 'payment.succeeded', data);
      await sink.waitForMessage((m) => m.to.includes(u.user.email) && m.subject === 'Payment received');
    }

    it('turns crossing the low threshold into exactly one credits.low notification and one email', async () => {
      const u = await createUser(t);
      await spendBelowThreshold(u);
      const mail = await sink.waitForMessage((m) => m.to.includes(u.user.email));
      expect(mail.subject).toBe('Your credits are running low');
      expect(mail.text).toContain('0.5 credits');
      await drain(u);

      const page = await list(u);
      const low = page.data.filter((n) => n.type === 'credits.low');
      expect(low).toHaveLength(1);
      expect(low[0]).toMatchObject({
        title: 'Your credits are running low',
        data: { balance: 0.5, threshold: 1 },
        readAt: null,
      });
      // credits.changed (grant, settle) made none: only the low balance and the marker payment.
      expect(page.data.map((n) => n.type)).toEqual(['payment.succeeded', 'credits.low']);
      const mails = sink.messages.filter((m) => m.to.includes(u.user.email));
      expect(mails.map((m) => m.subject).sort()).toEqual([
        'Payment received',
        'Your credits are running low',
      ]);
    });

    it('stops the email but keeps the in-app notification when the user turns email off', async () => {
      const u = await createUser(t);
      const put = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/notifications/preferences',
        headers: u.headers,
        payload: { 'credits.low': { email: false } },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json<NotificationPreferences>()['credits.low']).toEqual({ inApp: true, email: false });

      await spendBelowThreshold(u);
      await drain(u);
      expect((await list(u)).data.map((n) => n.type)).toEqual(['payment.succeeded', 'credits.low']);
      expect(sink.messages.filter((m) => m.to.includes(u.user.email)).map((m) => m.subject)).toEqual([
        'Payment received',
      ]);
    });

    it('keeps a notification out of the list when in-app is off, and still emails it', async () => {
      const u = await createUser(t);
      await t.hub.services.notifications.updatePreferences(u.user.id, {
        'payment.refunded': { inApp: false },
      });
      await t.hub.coordination.events.append(HUB_EVENT_STREAM, 'payment.refunded', {
        userId: u.user.id,
        paymentId: 'pi_r',
        credits: 4,
        reason: 'charge.refunded',
      });
      const mail = await sink.waitForMessage((m) => m.to.includes(u.user.email));
      expect(mail.subject).toBe('Payment refunded');
      await drain(u);
      expect((await list(u)).data.map((n) => n.type)).toEqual(['payment.succeeded']);
    });

    it('handles a redelivered event once: one notification, one email', async () => {
      const u = await createUser(t);
      const event = paymentEvent(u.user.id);
      const { notifications } = t.hub.services;
      expect(await notifications.handleEvent(event, `test/${event.id}`)).toBe('created');
      expect(await notifications.handleEvent({ ...event, deliveries: 2 }, `test/${event.id}`)).toBe(
        'duplicate',
      );
      await sink.waitForMessage((m) => m.to.includes(u.user.email));
      expect((await list(u)).data).toHaveLength(1);
      expect(sink.messages.filter((m) => m.to.includes(u.user.email))).toHaveLength(1);
    });

    it('pages newest first with a cursor, filters unread, and marks read', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      const { notifications } = t.hub.services;
      for (let i = 1; i <= 5; i++) {
        const event = paymentEvent(u.user.id, i);
        await notifications.handleEvent(event, `page/${event.id}`);
      }
      await notifications.handleEvent(paymentEvent(other.user.id), 'page/other');

      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: NotificationPage = await list(u, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((n) => n.data.credits as number));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(seen).toEqual([5, 4, 3, 2, 1]);
      expect(pages).toBe(3);

      const first = (await list(u, '?limit=1')).data[0]!;
      const read = await t.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/${first.id}/read`,
        headers: u.headers,
      });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().readAt).toEqual(expect.any(String));
      const unread = await list(u, '?unread=true');
      expect(unread.data.map((n) => n.data.credits)).toEqual([4, 3, 2, 1]);
      expect(unread.unreadCount).toBe(4);

      // Marking again keeps the first time.
      const again = await t.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/${first.id}/read`,
        headers: u.headers,
      });
      expect(again.json().readAt).toBe(read.json().readAt);
    });

    it("answers 404, never 403, for another user's notification, and leaves it unread", async () => {
      const owner = await createUser(t);
      const intruder = await createUser(t);
      const event = paymentEvent(owner.user.id);
      await t.hub.services.notifications.handleEvent(event, `own/${event.id}`);
      const [mine] = (await list(owner)).data;
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/${mine!.id}/read`,
        headers: intruder.headers,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'not_found', message: 'Notification not found' });
      expect((await list(owner)).data[0]!.readAt).toBeNull();
      expect((await list(intruder)).data).toEqual([]);
    });

    it('answers the default preferences, merges updates, and rejects what is not a preference', async () => {
      const u = await createUser(t);
      const get = await t.app.inject({
        method: 'GET',
        url: '/api/v1/notifications/preferences',
        headers: u.headers,
      });
      expect(get.json()).toEqual({
        'credits.low': { inApp: true, email: true },
        'payment.succeeded': { inApp: true, email: true },
        'payment.refunded': { inApp: true, email: true },
      });
      const put = (payload: unknown) =>
        t.app.inject({
          method: 'PUT',
          url: '/api/v1/notifications/preferences',
          headers: u.headers,
          payload: payload as object,
        });
      await put({ 'payment.succeeded': { email: false } });
      const second = await put({ 'payment.succeeded': { inApp: false } });
      expect(second.json()['payment.succeeded']).toEqual({ inApp: false, email: false });

      for (const bad of [
        { 'chat.finished': { email: true } },
        { 'credits.low': { email: 'no' } },
        { 'credits.low': { sms: true } },
      ]) {
        const res = await put(bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(res.json().error.code).toBe('validation_error');
      }
      const after = await t.app.inject({
        method: 'GET',
        url: '/api/v1/notifications/preferences',
        headers: u.headers,
      });
      expect(after.json()['payment.succeeded']).toEqual({ inApp: false, email: false });
    });
  });
}

import { randomUUID } from 'node:crypto';
import type { StreamEvent } from '@smart-ai-hub/adapters';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/fakes/smtp-sink.js';
import { createUser } from '../../../test/support/auth-fixtures.js';
import type { TestHub } from '../../../test/support/test-hub.js';
import { EventConsumer } from './event-consumer.js';
import { notificationsHub, paymentEvent, pollUntil } from './notifications-test-kit.js';

for (const dialect of await testDialects()) {
  describe(`the notifications event consumer on ${dialect === 'postgres' ? 'postgres + redis' : 'sqlite + memory'}`, () => {
    let t: TestHub;
    let sink: SmtpSink;
    const consumers: EventConsumer[] = [];

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await notificationsHub(dialect, { smtpUrl: sink.url });
    });
    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.stop();
    });
    afterAll(async () => {
      await t?.close();
      await sink?.close();
    });

    /** A stream of this test's own, so the hub's consumer of `hub-events` never sees its events. */
    const freshStream = () => `consumer-test-${randomUUID()}`;
    const start = async (
      stream: string,
      handle: (event: StreamEvent) => Promise<unknown>,
      maxDeliveries?: number,
    ) => {
      const consumer = new EventConsumer({
        events: t.hub.coordination.events,
        stream,
        group: 'notifications',
        handle,
        log: t.hub.log,
        blockMs: 100,
        claimAfterMs: 100,
        maxDeliveries,
      });
      consumers.push(consumer);
      await consumer.start();
      return consumer;
    };
    const unacknowledged = (stream: string) =>
      t.hub.coordination.events.read(stream, 'notifications', 'inspector', { claimAfterMs: 0 });

    it('finishes an event whose consumer crashed before the ack: one notification, one email', async () => {
      const u = await createUser(t);
      const { notifications } = t.hub.services;
      const stream = freshStream();
      const { events } = t.hub.coordination;
      await events.ensureGroup(stream, 'notifications');
      await events.append(stream, 'payment.succeeded', paymentEvent(u.user.id).data);

      // A consumer takes the event, stores it and emails, then dies before acknowledging.
      const [taken] = await events.read(stream, 'notifications', 'crashed');
      expect(await notifications.handleEvent(taken!, `${stream}/${taken!.id}`)).toBe('created');

      const outcomes: unknown[] = [];
      await start(stream, async (event) => {
        outcomes.push(await notifications.handleEvent(event, `${stream}/${event.id}`));
      });
      await pollUntil(
        async () => outcomes,
        (o) => o.length > 0,
      );
      expect(outcomes).toEqual(['duplicate']);

      const page = await notifications.list(u.user.id, { limit: 10 });
      expect(page.data).toHaveLength(1);
      await sink.waitForMessage((m) => m.to.includes(u.user.email));
      expect(sink.messages.filter((m) => m.to.includes(u.user.email))).toHaveLength(1);
      await pollUntil(
        () => unacknowledged(stream),
        (pending) => pending.length === 0,
      );
    });

    it('delivers an event again after its handling failed, and acknowledges it once handled', async () => {
      const stream = freshStream();
      const seen: number[] = [];
      await start(stream, async (event) => {
        seen.push(event.deliveries);
        if (event.deliveries === 1) throw new Error('SMTP is down');
      });
      await t.hub.coordination.events.append(stream, 'payment.succeeded', { userId: 'usr_x' });
      await pollUntil(
        async () => seen,
        (s) => s.length >= 2,
      );
      expect(seen.slice(0, 2)).toEqual([1, 2]);
      await pollUntil(
        () => unacknowledged(stream),
        (pending) => pending.length === 0,
      );
    });

    it('drops an event that keeps failing after maxDeliveries, so it cannot block the stream', async () => {
      const stream = freshStream();
      const seen: string[] = [];
      await start(
        stream,
        async (event) => {
          seen.push(`${event.type}#${event.deliveries}`);
          if (event.type === 'poison') throw new Error('always fails');
        },
        2,
      );
      await t.hub.coordination.events.append(stream, 'poison', {});
      await t.hub.coordination.events.append(stream, 'fine', {});
      await pollUntil(
        async () => seen,
        (s) => s.includes('poison#2'),
      );
      expect(seen).toContain('fine#1');
      await pollUntil(
        () => unacknowledged(stream),
        (pending) => pending.length === 0,
      );
      expect(seen.filter((s) => s.startsWith('poison'))).toEqual(['poison#1', 'poison#2']);
    });
  });
}

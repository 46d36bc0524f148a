import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { NotificationInfo } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import type { TestHub } from '../../../test/support/test-hub.js';
import { HUB_EVENT_STREAM } from '../credits/credit-events.js';
import { notificationsHub, paymentEvent } from './notifications-test-kit.js';

/** An open SSE response read as text, chunk by chunk. */
async function openStream(url: string, u: TestUser, signal?: AbortSignal) {
  const res = await fetch(`${url}/api/v1/notifications/stream`, {
    headers: { ...u.headers, accept: 'text/event-stream' },
    signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    res,
    /** Reads until the text so far contains `needle`; answers everything read. */
    async until(needle: string): Promise<string> {
      while (!buffer.includes(needle)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${buffer}`);
        buffer += value;
      }
      return buffer;
    },
    /** Disconnects, as a client leaving the page does. */
    close: () => reader.cancel(),
    /** Reads to the end; answers true when the server ended the stream. */
    async ended(): Promise<boolean> {
      for (;;) if ((await reader.read()).done) return true;
    },
  };
}

for (const dialect of await testDialects()) {
  describe(`the live notification stream on ${dialect === 'postgres' ? 'postgres + redis' : 'sqlite + memory'}`, () => {
    let t: TestHub & { url: string };

    beforeAll(async () => {
      t = await notificationsHub(dialect, { listen: true });
    });
    afterAll(() => t?.close());

    it('pushes a new notification of the caller as an SSE event, and none of another user', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      const stream = await openStream(t.url, u);
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await stream.until(': connected');

      await t.hub.coordination.events.append(
        HUB_EVENT_STREAM,
        'payment.succeeded',
        paymentEvent(other.user.id, 1).data,
      );
      await t.hub.coordination.events.append(
        HUB_EVENT_STREAM,
        'payment.succeeded',
        paymentEvent(u.user.id, 7).data,
      );
      const text = await stream.until('event: notification');
      const block = (await stream.until('}\n\n'))
        .split('\n\n')
        .find((b) => b.includes('event: notification'))!;
      const data = JSON.parse(
        block
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6),
      ) as NotificationInfo;
      expect(text).toContain('event: notification');
      expect(data).toMatchObject({
        type: 'payment.succeeded',
        title: 'Payment received',
        data: { credits: 7 },
      });
      expect(block).toContain(`id: ${data.id}`);
      const [listed] = (await t.hub.services.notifications.list(u.user.id, { limit: 1 })).data;
      expect(listed).toEqual(data);
      await stream.close();
    });

    it('answers 401 without credentials and 406 to a client that does not accept event streams', async () => {
      const u = await createUser(t);
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/notifications/stream' });
      expect(anonymous.statusCode).toBe(401);
      const json = await t.app.inject({
        method: 'GET',
        url: '/api/v1/notifications/stream',
        headers: { ...u.headers, accept: 'application/json' },
      });
      expect(json.statusCode).toBe(406);
      expect(json.json().error).toMatchObject({
        code: 'not_acceptable',
        message: expect.stringContaining('text/event-stream'),
      });
    });

    it('lets a client disconnect, and ends open streams when the hub closes', async () => {
      const u = await createUser(t);
      const controller = new AbortController();
      const leaving = await openStream(t.url, u, controller.signal);
      await leaving.until(': connected');
      controller.abort();

      const staying = await openStream(t.url, u);
      await staying.until(': connected');
      // The stream left behind breaks nothing: the one still open gets the next notification.
      await t.hub.coordination.events.append(
        HUB_EVENT_STREAM,
        'payment.succeeded',
        paymentEvent(u.user.id, 2).data,
      );
      await staying.until('event: notification');
      const closing = t.app.close();
      expect(await staying.ended()).toBe(true);
      await closing;
    });
  });
}

import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../../http/guards.js';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';

/** How often a comment line keeps an idle stream open through proxies. */
export const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/notifications/stream`: the caller's new notifications as Server-Sent Events
 * (`event: notification`, `id`, JSON `data`), pushed from whichever replica made them. Ends when
 * the client disconnects or the hub closes.
 */
export async function notificationStreamRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  const open = new Set<() => void>();
  // Before the server waits for connections to end: an open stream would otherwise hold it up.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/api/v1/notifications/stream', { onRequest: requireAuth(hub) }, async (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (!/text\/event-stream|\*\/\*/.test(accept)) {
      throw new HubError(
        406,
        'not_acceptable',
        'This endpoint streams Server-Sent Events: send Accept: text/event-stream',
      );
    }
    const res = reply.raw;
    let ended = false;
    const pending: string[] = [];
    let unsubscribe: (() => Promise<void>) | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      open.delete(end);
      clearInterval(heartbeat);
      void unsubscribe?.().catch(() => {});
      if (!res.writableEnded) res.end();
    };
    const send = (json: string) => {
      if (ended) return;
      const { id } = JSON.parse(json) as { id: string };
      res.write(`id: ${id}\nevent: notification\ndata: ${json}\n\n`);
    };
    // Subscribed before the headers go out: once a client sees them, nothing it is owed is missed.
    unsubscribe = await hub.services.notifications.subscribe(request.principal!.userId, (json) =>
      res.headersSent ? send(json) : pending.push(json),
    );
    res.on('close', end);
    open.add(end);
    reply.hijack();
    // A stream's connection is never reused: ending it closes the socket, so a closing hub never
    // waits out a keep-alive timeout.
    res.shouldKeepAlive = false;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    for (const json of pending.splice(0)) send(json);
    heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    if (res.destroyed) end();
  });
}

import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the client goes away before the response is complete (the
 * connection closes first), which is what closes the upstream request at once.
 */
export function clientAbortSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  return controller.signal;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const current = new AsyncLocalStorage<FastifyRequest>();

/**
 * Makes the request being handled reachable from code far below its route (the audit log stamps
 * each record with the caller, source address, user agent and request id) without passing it
 * through every service. Installed as a `preHandler`, after authentication and body parsing, so
 * the handler and everything it awaits run inside the request's context.
 */
export function installRequestContext(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => current.run(request, done));
}

/** The request whose handler is running, or undefined outside one (CLI, background work). */
export function currentRequest(): FastifyRequest | undefined {
  return current.getStore();
}

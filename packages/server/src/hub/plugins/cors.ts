import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Every method a route of the API uses (key revocation is a DELETE, profile updates a PATCH, ...). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The answer headers a browser app may read: the request id, the charge, and when to retry. */
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'x-hub-cost',
  'x-hub-balance',
  'x-hub-cache',
  'retry-after',
  'x-should-retry',
  'idempotent-replayed',
];

/**
 * `@fastify/cors` for `CORS_ORIGINS` (a comma list, or `*` for any origin without credentials).
 * The request headers a preflight asks for are allowed as asked (`Authorization`, `Content-Type`,
 * `Idempotency-Key`, `x-hub-*`, and what the OpenAI and Anthropic browser clients add): the
 * origin list is the gate, and a header list here would only break clients it forgot.
 */
export function corsOptions(origins: string): FastifyCorsOptions {
  const any = origins.trim() === '*';
  return {
    origin: any
      ? true
      : origins
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
    credentials: !any,
    methods: CORS_METHODS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  };
}

/** Browser access for the configured origins; nothing at all when `origins` is unset (same origin only). */
export const hubCors = fp<{ origins?: string }>(
  async function hubCors(app: FastifyInstance, { origins }) {
    if (origins) await app.register(cors, corsOptions(origins));
  },
  { name: 'smart-ai-hub-cors', fastify: '5.x' },
);

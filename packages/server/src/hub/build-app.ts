import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import { loadConfig } from '../config/load-config.js';
import { sendHubError } from '../http/error-handler.js';
import { createHub } from './create-hub.js';
import type { HubOptions } from './hub-options.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The pino options of the appliance: request ids on every line, secrets never. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        '*.password',
        '*.token',
        '*.refreshToken',
        '*.accessToken',
        '*.apiKey',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      // The path only: query strings may carry OAuth codes and states.
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: req.url.split('?')[0],
        ip: req.ip,
      }),
    },
  };
}

/** `TRUST_PROXY`: `true`, a hop count (trust that many proxies), or a comma list of addresses/CIDRs. */
function parseTrustProxy(value: string | undefined): FastifyServerOptions['trustProxy'] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address: string, hop: number) => hop < hops;
  }
  return value.split(',').map((a) => a.trim());
}

/**
 * A standalone Fastify app running the hub at its root: what `smart-ai-hub serve` listens with,
 * and what tests drive with `inject()`. A caller's `x-request-id` is kept when it is sane.
 */
export async function buildHubApp(options: HubOptions & { logger?: FastifyServerOptions['logger'] } = {}) {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  const { env } = config;
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const app = Fastify({
    logger: options.logger ?? loggerOptions(env.LOG_LEVEL),
    bodyLimit: env.BODY_LIMIT,
    trustProxy,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId(req) {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    // A URL the router cannot decode (`%ff`) or an overlong path segment: the envelope too.
    frameworkErrors: (error, request, reply) => sendHubError(request, reply, error),
  });
  await app.register(
    createHub({ defaultMetrics: true, console: env.HUB_CONSOLE === 'on', ...options, config }),
  );
  return app;
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { consoleDir } from '@smart-ai-hub/console';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../../http/hub-error.js';

/** Paths that belong to the API and operations: never answered with the console's page. */
export const NOT_CONSOLE_PATHS = [
  '/api',
  '/v1',
  '/mcp',
  '/healthz',
  '/readyz',
  '/metrics',
  '/docs',
  '/openapi.json',
];

export interface ConsoleOptions {
  /** The built console's folder (`index.html`, `assets/`); default the `@smart-ai-hub/console` package's. */
  dir?: string;
  /** The hub's mount prefix (`/ai`), so the page's `<base href>` and its links resolve under it. */
  mountPath?: string;
}

/**
 * The web console at the hub's root: hashed `assets/*` cached for a year (immutable), the page
 * itself `no-cache`, and every other browser navigation (`GET` accepting HTML, outside the API
 * paths) answered with the page so client routes (`/verify-email?token=`) work on reload and from
 * mails. A console that was never built is reported once in the log, and nothing is served.
 */
export async function consolePlugin(app: FastifyInstance, options: ConsoleOptions = {}): Promise<void> {
  const dir = options.dir ?? consoleDir;
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.info(
      { dir },
      'web console not built: run `pnpm build` (or `pnpm --filter @smart-ai-hub/console build`) to serve it at /',
    );
    return;
  }
  const prefix = (options.mountPath ?? '').replace(/\/+$/, '');
  const page = readFileSync(indexFile, 'utf8').replace('<head>', `<head><base href="${prefix}/">`);

  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', 'public, max-age=31536000, immutable'),
  });

  const sendPage = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!.slice(prefix.length) || '/';
    const api = NOT_CONSOLE_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
    if (api || (path !== '/' && !String(request.headers.accept ?? '').includes('text/html'))) {
      throw new HubError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
    }
    return reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(page);
  };
  app.get('/', { schema: { hide: true } }, sendPage);
  app.get('/*', { schema: { hide: true } }, sendPage);
}

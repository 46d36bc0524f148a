import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase } from '@smart-ai-hub/adapters/testing';
import Fastify from 'fastify';
import type { ZodType } from 'zod';
import { loadConfig } from '../../src/config/load-config.js';
import { createHub } from '../../src/hub/create-hub.js';

/** One route as the hub registers it, with the zod schemas it validates against. */
export interface RegisteredRoute {
  method: string;
  /** As registered, with `:params`. */
  url: string;
  body?: ZodType;
  querystring?: ZodType;
  params?: ZodType;
  /** A WebSocket route (a plain GET without upgrade is all the fuzz sends it). */
  websocket: boolean;
  /** The API key scope the route declares (`config.apiKeyScope`); undefined: sessions only. */
  apiKeyScope?: string;
}

/**
 * Every route the hub registers (HEAD twins of GET left out), collected with an `onRoute` hook on a
 * hub of its own: a route added tomorrow is in the list without anyone adding it.
 */
export async function registeredRoutes(): Promise<RegisteredRoute[]> {
  const database = await createTestDatabase('sqlite');
  const coordination = createMemoryCoordination();
  const app = Fastify();
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as Partial<Record<'body' | 'querystring' | 'params', ZodType>>;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        body: schema.body,
        querystring: schema.querystring,
        params: schema.params,
        websocket: Boolean((route as { websocket?: boolean }).websocket),
        apiKeyScope: (route.config as { apiKeyScope?: string } | undefined)?.apiKeyScope,
      });
    }
  });
  try {
    await app.register(
      createHub({
        config: loadConfig({
          NODE_ENV: 'test',
          HUB_SECRET: 's'.repeat(40),
          LOG_LEVEL: 'silent',
          DATABASE_URL: ':memory:',
        }),
        database,
        coordination,
      }),
    );
    await app.ready();
  } finally {
    await app.close();
    await coordination.close();
    await database.drop();
  }
  return routes.sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
}

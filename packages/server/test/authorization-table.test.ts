import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import type { Role } from '../src/domains/auth/principal.js';
import { createHub } from '../src/hub/create-hub.js';
import { type RouteAccess, routeAccessTable } from './authorization/route-access-table.js';
import { createUser, type TestUser } from './support/auth-fixtures.js';
import { createTestHub, type TestHub } from './support/test-hub.js';

type Caller = 'anonymous' | 'user' | 'moderator' | 'admin' | 'another user';
const CALLERS: Caller[] = ['anonymous', 'user', 'moderator', 'admin', 'another user'];
const ROLE_OF: Record<Exclude<Caller, 'anonymous'>, Role> = {
  user: 'user',
  'another user': 'user',
  moderator: 'moderator',
  admin: 'admin',
};

/** 401, 403, 404, or 'passes' (anything but 401/403/500, and but 404 for the owner of an own resource). */
function expected(entry: RouteAccess, caller: Caller): 401 | 403 | 404 | 'passes' {
  if (entry.access === 'public') return 'passes';
  if (caller === 'anonymous') return 401;
  if (entry.access !== 'signed-in' && !entry.access.includes(ROLE_OF[caller])) return 403;
  // Own resources are made for the `user` caller: everybody else must not learn they exist.
  if (entry.ownResource && caller !== 'user') return 404;
  return 'passes';
}

const key = (method: string, url: string) => `${method} ${url}`;

/** Every method + URL the hub registers, collected with an onRoute hook (HEAD twins of GET left out). */
async function registeredRoutes(): Promise<string[]> {
  const database = await createTestDatabase('sqlite');
  const coordination = createMemoryCoordination();
  const app: FastifyInstance = Fastify();
  const routes = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(key(method, route.url));
  });
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
  await app.close();
  await coordination.close();
  await database.drop();
  return [...routes].sort();
}

describe('the route access table', () => {
  it('has an entry for every route the hub registers, and no entry for a route that is gone', async () => {
    const routes = await registeredRoutes();
    const entries = routeAccessTable.map((e) => key(e.method, e.url));
    expect(
      routes.filter((r) => !entries.includes(r)),
      'routes without an entry in route-access-table.ts',
    ).toEqual([]);
    expect(
      entries.filter((e) => !routes.includes(e)),
      'entries for routes that do not exist',
    ).toEqual([]);
    expect(new Set(entries).size).toBe(entries.length);
  });
});

for (const dialect of await testDialects()) {
  describe(`authorization of every route x caller on ${dialect}`, () => {
    let t: TestHub;
    const people = {} as Record<Exclude<Caller, 'anonymous'>, TestUser>;

    beforeAll(async () => {
      t = await createTestHub({ dialect });
      people.user = await createUser(t, { role: 'user' });
      people['another user'] = await createUser(t, { role: 'user' });
      people.moderator = await createUser(t, { role: 'moderator' });
      people.admin = await createUser(t, { role: 'admin' });
    });
    afterAll(() => t?.close());

    const cases = routeAccessTable.flatMap((entry) =>
      CALLERS.map((caller) => ({ name: `${entry.method} ${entry.url} as ${caller}`, entry, caller })),
    );

    it.each(cases)('$name', async ({ entry, caller }) => {
      const params = entry.ownResource ? await entry.ownResource(t, people.user) : {};
      const path = entry.url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `no-such-${name}`);
      const res = await t.app.inject({
        method: entry.method,
        url: entry.query ? `${path}?${entry.query}` : path,
        headers: caller === 'anonymous' ? {} : people[caller].headers,
        ...(entry.body !== undefined ? { payload: entry.body as object } : {}),
      });
      const want = expected(entry, caller);
      const seen = `${res.statusCode} ${res.body.slice(0, 200)}`;
      if (want === 'passes') {
        expect([401, 403, 500], seen).not.toContain(res.statusCode);
        if (entry.ownResource) expect(res.statusCode, seen).not.toBe(404);
      } else {
        expect(res.statusCode, seen).toBe(want);
      }
    });
  });
}

import { testDialects } from '@smart-ai-hub/adapters/testing';
import { API_KEY_SCOPES, type ApiKeyScope, DEFAULT_API_KEY_SCOPES } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/domains/auth/principal.js';
import { type RouteAccess, routeAccessTable } from './authorization/route-access-table.js';
import { registeredRoutes } from './fuzz/registered-routes.js';
import { createUser, type TestUser } from './support/auth-fixtures.js';
import { createTestHub, type TestHub } from './support/test-hub.js';

type Person = 'user' | 'another user' | 'moderator' | 'admin';
const ROLE_OF: Record<Person, Role> = {
  user: 'user',
  'another user': 'user',
  moderator: 'moderator',
  admin: 'admin',
};

/** Who calls: nobody, a person's signed-in session, or an API key of a person with some scopes. */
type Caller =
  | { name: 'anonymous'; kind: 'anonymous' }
  | { name: string; kind: 'session'; person: Person }
  | { name: string; kind: 'key'; person: Person; scopes: readonly ApiKeyScope[] };

const CALLERS: Caller[] = [
  { name: 'anonymous', kind: 'anonymous' },
  ...(['user', 'moderator', 'admin', 'another user'] as const).map(
    (person): Caller => ({ name: person, kind: 'session', person }),
  ),
  // The user's keys with each scope alone, and with the defaults.
  ...API_KEY_SCOPES.map(
    (scope): Caller => ({ name: `user key [${scope}]`, kind: 'key', person: 'user', scopes: [scope] }),
  ),
  { name: 'user key [defaults]', kind: 'key', person: 'user', scopes: DEFAULT_API_KEY_SCOPES },
  // An admin's keys: the role allows everything, so the scopes alone decide.
  ...API_KEY_SCOPES.map(
    (scope): Caller => ({ name: `admin key [${scope}]`, kind: 'key', person: 'admin', scopes: [scope] }),
  ),
  { name: 'admin key [defaults]', kind: 'key', person: 'admin', scopes: DEFAULT_API_KEY_SCOPES },
];

type Outcome = 401 | 403 | 404 | 'passes';

/**
 * 401, 403 (with the code when it is a key's missing scope), 404, or 'passes' (anything but
 * 401/403/500, and but 404 for the owner of an own resource).
 */
function expected(entry: RouteAccess, caller: Caller): { status: Outcome; code?: string } {
  if (entry.access === 'public') return { status: 'passes' };
  if (caller.kind === 'anonymous') return { status: 401 };
  if (entry.access !== 'signed-in' && !entry.access.includes(ROLE_OF[caller.person])) return { status: 403 };
  if (caller.kind === 'key' && (entry.apiKey === 'session-only' || !caller.scopes.includes(entry.apiKey))) {
    return { status: 403, code: 'insufficient_scope' };
  }
  // Own resources are made for the `user`'s session: everybody else must not learn they exist.
  if (entry.ownResource && !(caller.kind === 'session' && caller.person === 'user')) return { status: 404 };
  return { status: 'passes' };
}

const key = (method: string, url: string) => `${method} ${url}`;

/** Every method + URL the hub registers, with the API key scope each declares (see `registeredRoutes`). */
async function routeScopes(): Promise<Map<string, ApiKeyScope | undefined>> {
  const routes = await registeredRoutes();
  return new Map(routes.map((r) => [key(r.method, r.url), r.apiKeyScope as ApiKeyScope | undefined]));
}

describe('the route access table', () => {
  it('has an entry for every route the hub registers, and no entry for a route that is gone', async () => {
    const routes = [...(await routeScopes()).keys()];
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

  it('names, for every route, the API key scope the route declares (none: sessions only)', async () => {
    const routes = await routeScopes();
    const mismatches = routeAccessTable
      .map((e) => ({
        route: key(e.method, e.url),
        table: e.apiKey === 'session-only' ? undefined : e.apiKey,
        declared: routes.get(key(e.method, e.url)),
      }))
      .filter((m) => m.table !== m.declared);
    expect(mismatches, 'config.apiKeyScope of the route vs apiKey in route-access-table.ts').toEqual([]);
  });
});

for (const dialect of await testDialects()) {
  describe(`authorization of every route x caller on ${dialect}`, () => {
    let t: TestHub;
    const people = {} as Record<Person, TestUser>;
    const keyHeaders = new Map<string, { authorization: string }>();

    beforeAll(async () => {
      t = await createTestHub({ dialect, coordination: dialect === 'postgres' ? 'redis' : 'memory' });
      people.user = await createUser(t, { role: 'user' });
      people['another user'] = await createUser(t, { role: 'user' });
      people.moderator = await createUser(t, { role: 'moderator' });
      people.admin = await createUser(t, { role: 'admin' });
      for (const caller of CALLERS) {
        if (caller.kind !== 'key') continue;
        const { key: secret } = await t.hub.services.apiKeys.create(people[caller.person].user.id, {
          name: caller.name,
          scopes: caller.scopes,
        });
        keyHeaders.set(caller.name, { authorization: `Bearer ${secret}` });
      }
    });
    afterAll(() => t?.close());

    const cases = routeAccessTable.flatMap((entry) =>
      CALLERS.map((caller) => ({ name: `${entry.method} ${entry.url} as ${caller.name}`, entry, caller })),
    );

    it.each(cases)('$name', async ({ entry, caller }) => {
      const params =
        'ownResource' in entry && entry.ownResource ? await entry.ownResource(t, people.user) : {};
      const path = entry.url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `no-such-${name}`);
      const headers =
        caller.kind === 'anonymous'
          ? {}
          : caller.kind === 'session'
            ? people[caller.person].headers
            : keyHeaders.get(caller.name)!;
      const res = await t.app.inject({
        method: entry.method,
        url: entry.query ? `${path}?${entry.query}` : path,
        headers,
        ...(entry.body !== undefined ? { payload: entry.body as object } : {}),
      });
      const want = expected(entry, caller);
      const seen = `${res.statusCode} ${res.body.slice(0, 200)}`;
      if (want.status === 'passes') {
        expect([401, 403, 500], seen).not.toContain(res.statusCode);
        if ('ownResource' in entry && entry.ownResource) expect(res.statusCode, seen).not.toBe(404);
      } else {
        expect(res.statusCode, seen).toBe(want.status);
        // Anthropic's error shape (`/v1/messages`) has no code: the message says it.
        const error = res.json().error;
        if (want.code && error.code !== undefined) expect(error.code, seen).toBe(want.code);
        else if (want.code) expect(error.message, seen).toMatch(/scope|signed-in session/);
      }
    });
  });
}

import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsToUnits } from '../../src/domains/credits/money.js';
import { createUser, type TestUser } from '../support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../support/test-hub.js';
import { fuzzCases } from './fuzz-cases.js';
import { registeredRoutes } from './registered-routes.js';

/**
 * Every route the hub registers, sent a fixed set of nasty inputs as an anonymous caller and as a
 * signed-in admin (so validation past the auth guard is reached): wrong types, numbers at the
 * edges, NUL bytes, broken unicode, deep nesting, oversize and malformed bodies, nasty query
 * strings and path segments. No answer may be a 500 of the hub's own, every error answer carries an
 * error envelope (the native one or the vendor's), and the hub still answers afterwards.
 *
 * Which field each value lands in comes from a seeded generator: `FUZZ_SEED=<n>` replays a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);

/** Fields a body needs beyond its schema's shape to get past the handler's first checks. */
const BODY_OVERRIDES: Record<string, Record<string, unknown>> = {
  'POST /v1/chat/completions': { model: 'mock', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 },
  'POST /v1/messages': { model: 'mock', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 },
  'POST /v1/embeddings': { model: 'mock', input: 'hi' },
};

/** Headers a route needs to get past its first checks (a fresh idempotency key per request). */
let sequence = 0;
const ROUTE_HEADERS: Record<string, () => Record<string, string>> = {
  'POST /api/v1/admin/users/:id/credits': () => ({ 'idempotency-key': `fuzz-${++sequence}` }),
  // With a key, chat hashes the whole body (where a 5,000-deep field was a 500).
  'POST /v1/chat/completions': () => ({ 'idempotency-key': `fuzz-${++sequence}` }),
};

type Caller = 'anonymous' | 'admin';

const routes = await registeredRoutes();

/** What is wrong with an answer, or undefined when it is a fine answer to a nasty request. */
function problemWith(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode < 400) return undefined;
  let body: { error?: { code?: unknown; type?: unknown; message?: unknown } };
  try {
    body = res.json();
  } catch {
    return `${res.statusCode} with a body that is not JSON: ${res.body.slice(0, 120)}`;
  }
  const code = body?.error?.code ?? body?.error?.type;
  if (typeof code !== 'string' || typeof body.error?.message !== 'string') {
    return `${res.statusCode} without an error envelope: ${res.body.slice(0, 200)}`;
  }
  if (res.statusCode === 500 || code === 'internal_error') {
    return `${res.statusCode} ${code}: ${String(body.error.message).slice(0, 200)}`;
  }
  return undefined;
}

const modes = (await testDialects()).map((dialect) => ({
  dialect,
  coordination: dialect === 'postgres' ? ('redis' as const) : ('memory' as const),
}));

for (const { dialect, coordination } of modes) {
  describe(`fuzz of every route on ${dialect} + ${coordination} (FUZZ_SEED=${SEED})`, () => {
    let t: TestHub;
    let admin: TestUser;
    let victim: TestUser;

    beforeAll(async () => {
      t = await createTestHub({ dialect, coordination });
      admin = await createUser(t, { role: 'admin' });
      victim = await createUser(t, { role: 'user' });
      await t.hub.services.credits.grant({
        userId: admin.user.id,
        amount: creditsToUnits(1_000),
        idempotencyKey: `fuzz-${admin.user.id}`,
      });
    });
    afterAll(() => t?.close());

    const cases = routes.flatMap((route) =>
      (['anonymous', 'admin'] as Caller[]).map((caller) => ({
        name: `${route.method} ${route.url} as ${caller}`,
        route,
        caller,
      })),
    );

    it.each(cases)('$name', { timeout: 60_000 }, async ({ route, caller }) => {
      const requests = fuzzCases(route, {
        seed: SEED,
        // Admin routes act on a user of their own, never on the admin sending the fuzz.
        params: { id: victim.user.id },
        bodyOverrides: BODY_OVERRIDES,
        bodyLimit: t.hub.config.env.BODY_LIMIT,
      });
      const problems: string[] = [];
      for (const { contentType, ...request } of requests) {
        const headers: Record<string, string> = {
          ...ROUTE_HEADERS[`${route.method} ${route.url}`]?.(),
          ...(caller === 'admin' ? admin.headers : {}),
          ...(contentType ? { 'content-type': contentType } : {}),
        };
        const res = await t.app.inject({ ...request, headers } as InjectOptions);
        const problem = problemWith(res);
        if (problem) problems.push(`${request.name} -> ${problem}`);
      }
      const report = [
        `${problems.length} of ${requests.length} answers wrong (FUZZ_SEED=${SEED}):`,
        ...problems,
      ];
      expect(problems.length, report.join('\n')).toBe(0);
      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
    });

    it('still meters and logs usage after the fuzz', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: admin.headers,
        payload: { ...BODY_OVERRIDES['POST /v1/chat/completions'], user: 'after-the-fuzz' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(await t.hub.services.models.usage.flush()).toBe(true);
      const rows = await t.database.db
        .selectFrom('usage_logs')
        .select('request_id')
        .where('end_user', '=', 'after-the-fuzz')
        .execute();
      expect(rows).toHaveLength(1);
    });
  });
}

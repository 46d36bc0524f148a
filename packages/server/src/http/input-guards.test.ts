import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../test/support/test-hub.js';
import { loadConfig } from '../config/load-config.js';
import { creditsToUnits } from '../domains/credits/money.js';
import { createHub } from '../hub/create-hub.js';
import { MAX_JSON_DEPTH } from './json-body-parser.js';

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const chat = { model: 'mock', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };

/** A JSON schema `levels` objects deep, as a `response_format` may carry (two JSON levels each). */
function deepSchema(levels: number): unknown {
  let schema: unknown = { type: 'string' };
  for (let i = 0; i < levels; i++)
    schema = { type: 'object', properties: { next: schema }, required: ['next'] };
  return schema;
}

for (const dialect of await testDialects()) {
  const coordination = dialect === 'postgres' ? 'redis' : 'memory';
  describe(`input rules on every route (${dialect} + ${coordination})`, () => {
    let t: TestHub;
    let user: TestUser;
    const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': 'application/json', ...headers },
      });

    beforeAll(async () => {
      t = await createTestHub({ dialect, coordination });
      user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(10),
        idempotencyKey: `grant-${user.user.id}`,
      });
    });
    afterAll(() => t?.close());

    it('refuse a NUL in a body before anything is stored, naming the field (register, unauthenticated)', async () => {
      const email = `nul-${dialect}@example.test`;
      const res = await post(
        '/api/v1/auth/register',
        JSON.stringify({ email, password: 'Correct-Horse-Battery-9!', name: 'a\u0000b' }),
      );
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'validation_error',
        message: expect.stringContaining('body.name: holds a NUL character'),
        details: { issues: [{ path: 'body.name' }] },
      });
      // A raw NUL byte is not JSON at all.
      const raw = await post('/api/v1/auth/register', `{"email":"${email}","password":"x\u0000"}`);
      expect(raw.statusCode).toBe(400);
      expect(raw.json().error.code).toBe('invalid_json');
      // Six ordinary characters that spell \u0000 are a name like any other.
      const literal = await post(
        '/api/v1/auth/register',
        JSON.stringify({ email, password: 'Correct-Horse-Battery-9!', name: '\\u0000' }),
      );
      expect(literal.statusCode, literal.body).toBe(201);
      expect(literal.json().user.name).toBe('\\u0000');
    });

    it('answer the compatible routes in their vendor shape, and keep logging usage', async () => {
      const auth = { authorization: `Bearer ${user.apiKey}` };
      const openai = await post('/v1/chat/completions', JSON.stringify({ ...chat, user: 'a\u0000' }), auth);
      expect(openai.statusCode).toBe(400);
      expect(openai.json().error).toMatchObject({
        type: 'invalid_request_error',
        code: 'validation_error',
        param: 'user',
        message: expect.stringContaining('NUL'),
      });
      const anthropic = await post(
        '/v1/messages',
        JSON.stringify({ ...chat, messages: [{ role: 'user', content: 'a\u0000' }] }),
        auth,
      );
      expect(anthropic.statusCode).toBe(400);
      expect(anthropic.json()).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('body.messages.0.content') },
      });
      const ok = await post('/v1/chat/completions', JSON.stringify({ ...chat, user: 'after-nul' }), auth);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(await t.hub.services.models.usage.flush()).toBe(true);
      const rows = await t.database.db
        .selectFrom('usage_logs')
        .select('end_user')
        .where('user_id', '=', user.user.id)
        .execute();
      expect(rows.map((r) => r.end_user)).toEqual(['after-nul']);
    });

    it('take a deep JSON schema in response_format, and refuse nesting past the bound with a 400', async () => {
      const auth = { authorization: `Bearer ${user.apiKey}` };
      const schema = deepSchema(40);
      const format = { type: 'json_schema', json_schema: { name: 'deep', schema } };
      const legit = await post(
        '/v1/chat/completions',
        JSON.stringify({ ...chat, response_format: format }),
        auth,
      );
      expect(legit.statusCode, legit.body).toBe(200);
      // An extra field 5,000 deep, on the path that hashes the body for its idempotency key.
      const extra = await post(
        '/v1/chat/completions',
        `{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"x":${deep(5_000)}}`,
        { ...auth, 'idempotency-key': `deep-${dialect}` },
      );
      expect(extra.statusCode, extra.body).toBe(400);
      expect(extra.json().error.message).toContain(`body.x.a.a`);
      expect(extra.json().error.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
      const bound = await post(
        '/api/v1/auth/forgot-password',
        `{"email":"a@b.test","x":${deep(MAX_JSON_DEPTH - 1)}}`,
      );
      expect(bound.statusCode, bound.body).toBe(202);
    });

    it('refuse a NUL in the path or the query string', async () => {
      for (const url of [
        '/api/v1/credits/transactions?cursor=%00',
        '/api/v1/credits/transactions?a%00=1',
        '/api/v1/admin/users/usr%00',
      ]) {
        const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.json().error).toMatchObject({
          code: 'validation_error',
          message: expect.stringContaining('NUL'),
        });
      }
      const key = await t.app.inject({
        method: 'DELETE',
        url: '/api/v1/api-keys/%00',
        headers: user.headers,
      });
      expect(key.statusCode).toBe(400);
    });

    it('answer a URL the router cannot decode and prototype poisoning with the envelope', async () => {
      const badUrl = await t.app.inject({
        method: 'GET',
        url: '/api/v1/admin/users/%ff',
        headers: user.headers,
      });
      expect(badUrl.statusCode).toBe(400);
      expect(badUrl.json().error).toMatchObject({
        code: 'validation_error',
        message: expect.stringContaining('%ff'),
      });
      const poisoned = await post(
        '/api/v1/auth/login',
        '{"email":"a@b.test","password":"x","__proto__":{"x":1}}',
      );
      expect(poisoned.statusCode).toBe(400);
      expect(poisoned.json().error.code).toBe('invalid_json');
    });
  });
}

describe('an embedded hub', () => {
  it("applies the rules to the hub's routes and leaves the host's parser alone", async () => {
    const database = await createTestDatabase('sqlite');
    const coordination = createMemoryCoordination();
    const app = Fastify();
    try {
      app.post('/host/echo', async (request) => request.body);
      await app.register(
        createHub({
          config: loadConfig({ NODE_ENV: 'test', HUB_SECRET: 's'.repeat(40), LOG_LEVEL: 'silent' }),
          database,
          coordination,
        }),
        { prefix: '/hub' },
      );
      const payload = JSON.stringify({
        email: 'a@example.test',
        password: 'Correct-Horse-Battery-9!',
        name: '\u0000',
      });
      const headers = { 'content-type': 'application/json' };
      const hub = await app.inject({ method: 'POST', url: '/hub/api/v1/auth/register', payload, headers });
      expect(hub.statusCode).toBe(400);
      expect(hub.json().error.message).toContain('NUL');
      const host = await app.inject({ method: 'POST', url: '/host/echo', payload, headers });
      expect(host.statusCode).toBe(200);
      expect(host.json().name).toBe('\u0000');
    } finally {
      await app.close();
      await coordination.close();
      await database.drop();
    }
  });
});

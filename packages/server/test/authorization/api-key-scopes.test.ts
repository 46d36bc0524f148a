import { testDialects } from '@smart-ai-hub/adapters/testing';
import {
  type ApiKeyInfo,
  type CreatedApiKey,
  DEFAULT_API_KEY_SCOPES,
  type WsServerMessage,
} from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { creditsToUnits } from '../../src/domains/credits/money.js';
import { createUser, type TestUser } from '../support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../support/test-hub.js';

/** A model with two aliases, served by the mock provider (chat, messages and embeddings). */
const ALIASED = {
  id: 'scoped-model',
  aliases: ['scoped-a', 'scoped-b'],
  inputPrice: 1,
  outputPrice: 1,
  deployments: [{ id: 'scoped-model', provider: 'mock', mock: { words: 3 } }],
};
const NAMES = ['scoped-model', 'scoped-a', 'scoped-b'];

type Headers = Record<string, string>;
const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });
const hour = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

/** The first frame of `type` a socket sends, and the code it closes with. */
async function wsSignIn(url: string, key: string, how: 'header' | 'auth message') {
  const socket = new WebSocket(url, how === 'header' ? { headers: bearer(key) } : {});
  const frames: WsServerMessage[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const first = new Promise<WsServerMessage>((resolve) =>
    socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString()));
      resolve(frames[0]!);
    }),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  if (how === 'auth message') socket.send(JSON.stringify({ type: 'auth', token: key }));
  const frame = await first;
  if (frame.type === 'ready') socket.close();
  return { frame, code: await closed };
}

for (const dialect of await testDialects()) {
  const coordination = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`what an API key may do (${dialect} + ${coordination})`, () => {
    let t: TestHub & { url: string };

    beforeAll(async () => {
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        models: { models: [ALIASED], includeDefaults: true },
      });
    });
    afterAll(() => t?.close());

    const call = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      headers: Headers,
      payload?: object,
    ) => t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    const errorOf = (res: { json(): unknown }) =>
      (res.json() as { error: { code?: string; message: string } }).error;
    const chat = (headers: Headers, model: string) =>
      call('POST', '/v1/chat/completions', headers, {
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      });
    const embed = (headers: Headers, model: string) =>
      call('POST', '/v1/embeddings', headers, { model, input: 'hi' });
    const messages = (headers: Headers, model: string) =>
      call('POST', '/v1/messages', headers, {
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      });

    async function owner(): Promise<TestUser> {
      const u = await createUser(t);
      await t.hub.services.credits.grant({
        userId: u.user.id,
        amount: creditsToUnits(10),
        idempotencyKey: `scopes-${u.user.id}`,
      });
      return u;
    }

    async function newKey(headers: Headers, body: object): Promise<CreatedApiKey> {
      const res = await call('POST', '/api/v1/api-keys', headers, body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    it('a key limited to one model and a cap cannot widen itself, touch other keys, sessions, profile, password or payments', async () => {
      const u = await owner();
      const other = await newKey(u.headers, { name: 'other' });
      const limited = await newKey(u.headers, {
        name: 'limited',
        allowedModels: ['mock-small'],
        spendCap: 1,
      });
      expect(limited.scopes).toEqual([...DEFAULT_API_KEY_SCOPES]);
      const key = bearer(limited.key);
      const keysOf = async () =>
        (await t.hub.services.apiKeys.list(u.user.id)).map((k) => ({
          id: k.id,
          revoked: k.revoked_at !== null,
        }));
      const keysBefore = await keysOf();

      const refusals = [
        await call('POST', '/api/v1/api-keys', key, { name: 'escape' }),
        await call('GET', '/api/v1/api-keys', key),
        await call('DELETE', `/api/v1/api-keys/${other.id}`, key),
        await call('DELETE', `/api/v1/api-keys/${u.apiKeyId}`, key),
        await call('GET', '/api/v1/me/sessions', key),
        await call('DELETE', `/api/v1/me/sessions/${u.sessionId}`, key),
        await call('POST', '/api/v1/me/password', key, {
          currentPassword: u.password,
          newPassword: 'a brand new passphrase 42',
        }),
        await call('PATCH', '/api/v1/me', key, { name: 'Mallory' }),
        await call('GET', '/api/v1/me', key),
        await call('POST', '/api/v1/credits/checkout', key, { packageId: 'any' }),
        await call('GET', '/api/v1/notifications', key),
      ];
      for (const res of refusals) {
        expect(res.statusCode, res.body).toBe(403);
        expect(errorOf(res).code).toBe('insufficient_scope');
      }
      expect(errorOf(refusals[0]!).message).toBe('This API key lacks the scope keys:manage');
      expect(errorOf(refusals[7]!).message).toMatch(/takes a signed-in session/);

      // Nothing changed: the same keys, the other key and the session work, the password holds.
      expect(await keysOf()).toEqual(keysBefore);
      expect((await call('GET', '/api/v1/credits', bearer(other.key))).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/me', u.headers)).json().name).toBeNull();
      expect((await call('GET', '/api/v1/me/sessions', u.headers)).statusCode).toBe(200);
      const login = await call(
        'POST',
        '/api/v1/auth/login',
        {},
        { email: u.user.email, password: u.password },
      );
      expect(login.statusCode).toBe(200);

      // Another model, on every endpoint: one code.
      expect(errorOf(await chat(key, 'mock-large')).code).toBe('model_not_allowed');
      expect(errorOf(await embed(key, 'mock-large')).code).toBe('model_not_allowed');
      const viaMessages = await messages(key, 'mock-large');
      expect(viaMessages.statusCode).toBe(403);
      expect(viaMessages.json().error.message).toMatch(/may not use the model mock-large/);

      // What the defaults allow: call its model, read credits, usage and models.
      expect((await chat(key, 'mock-small')).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/credits', key)).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/usage', key)).statusCode).toBe(200);
      const listed = await call('GET', '/v1/models', key);
      expect(listed.json().data.map((m: { id: string }) => m.id)).toEqual(['mock-small']);
    });

    it('a key without a scope gets 403 insufficient_scope naming the scope it needs', async () => {
      const u = await owner();
      const callOnly = bearer((await newKey(u.headers, { name: 'call only', scopes: ['models:call'] })).key);
      const res = await call('GET', '/api/v1/credits', callOnly);
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({
        code: 'insufficient_scope',
        message: 'This API key lacks the scope credits:read',
        details: { requiredScope: 'credits:read' },
      });
      expect(errorOf(await call('GET', '/v1/models', callOnly)).code).toBe('insufficient_scope');
      expect((await chat(callOnly, 'mock')).statusCode).toBe(200);

      const readOnly = bearer((await newKey(u.headers, { name: 'read only', scopes: ['models:read'] })).key);
      const refused = await chat(readOnly, 'mock');
      expect(refused.statusCode).toBe(403);
      expect(errorOf(refused)).toMatchObject({
        code: 'insufficient_scope',
        message: expect.stringMatching(/models:call/),
      });
      expect(errorOf(await embed(readOnly, 'mock'))).toMatchObject({ code: 'insufficient_scope' });
    });

    it('a session may give a key any scopes; unknown scopes are refused', async () => {
      const u = await owner();
      const profile = await newKey(u.headers, { name: 'who am I', scopes: ['profile:read'] });
      expect((await call('GET', '/api/v1/me', bearer(profile.key))).json().id).toBe(u.user.id);
      const unknown = await call('POST', '/api/v1/api-keys', u.headers, {
        name: 'x',
        scopes: ['everything'],
      });
      expect(unknown.statusCode).toBe(400);
    });

    it('a key with keys:manage makes only keys narrower than itself, on every axis', async () => {
      const u = await owner();
      const expiresAt = hour(1);
      const provisioner = await newKey(u.headers, {
        name: 'provisioner',
        scopes: ['keys:manage', 'models:call', 'models:read'],
        allowedModels: ['scoped-a'],
        spendCap: 2,
        expiresAt,
      });
      const p = bearer(provisioner.key);
      const make = (body: object) => call('POST', '/api/v1/api-keys', p, { name: 'made', ...body });

      // A capped creator must give a cap.
      expect((await make({})).statusCode).toBe(400);
      // Defaults: the default scopes it holds, its models, its expiry.
      const child = (await make({ spendCap: 0.5 })).json() as CreatedApiKey;
      expect(child).toMatchObject({
        scopes: ['models:call', 'models:read'],
        allowedModels: ['scoped-a'],
        spendCap: 0.5,
        expiresAt: new Date(expiresAt).toISOString(),
        createdByKeyId: provisioner.id,
      });
      expect((await make({ spendCap: 0.1, scopes: ['keys:manage', 'models:call'] })).statusCode).toBe(201);
      // The same model by its other names is no wider.
      expect((await make({ spendCap: 0.1, allowedModels: ['scoped-model', 'scoped-b'] })).statusCode).toBe(
        201,
      );

      const widerScope = await make({ spendCap: 0.1, scopes: ['models:call', 'credits:read'] });
      expect(widerScope.statusCode).toBe(403);
      expect(errorOf(widerScope)).toMatchObject({
        code: 'insufficient_scope',
        message: expect.stringMatching(/credits:read/),
      });
      const widerModels = await make({ spendCap: 0.1, allowedModels: ['scoped-a', 'mock-small'] });
      expect(widerModels.statusCode).toBe(403);
      expect(errorOf(widerModels)).toMatchObject({
        code: 'model_not_allowed',
        message: expect.stringMatching(/mock-small/),
      });
      const later = await make({ spendCap: 0.1, expiresAt: hour(2) });
      expect(later.statusCode).toBe(403);
      expect(errorOf(later).message).toMatch(/cannot outlive it/);
      // 2 - 0.5 - 0.1 - 0.1 = 1.3 left.
      const higherCap = await make({ spendCap: 1.5 });
      expect(higherCap.statusCode).toBe(403);
      expect(errorOf(higherCap)).toMatchObject({
        code: 'spend_cap_reached',
        message: expect.stringMatching(/1\.3 credits left/),
      });

      // What it handed out counts as spent by it, so together they never pass its cap.
      const mine = (await call('GET', '/api/v1/api-keys', u.headers)).json().apiKeys as ApiKeyInfo[];
      expect(mine.find((k) => k.id === provisioner.id)!.spent).toBeCloseTo(0.7, 6);
      expect((await make({ spendCap: 1.3 })).statusCode).toBe(201);
      expect(errorOf(await make({ spendCap: 0.000001 })).code).toBe('spend_cap_reached');

      // It sees and revokes only the keys it made.
      const seen = (await call('GET', '/api/v1/api-keys', p)).json().apiKeys as ApiKeyInfo[];
      expect(seen.map((k) => k.createdByKeyId)).toEqual(seen.map(() => provisioner.id));
      expect(seen).toHaveLength(4);
      expect((await call('DELETE', `/api/v1/api-keys/${u.apiKeyId}`, p)).statusCode).toBe(404);
      expect((await call('DELETE', `/api/v1/api-keys/${provisioner.id}`, p)).statusCode).toBe(404);
      expect((await call('GET', '/api/v1/credits', bearer(u.apiKey))).statusCode).toBe(200);
      expect((await call('DELETE', `/api/v1/api-keys/${child.id}`, p)).statusCode).toBe(204);
      expect((await chat(bearer(child.key), 'scoped-a')).statusCode).toBe(401);
    });

    it('revoking a key revokes every key made under it', async () => {
      const u = await owner();
      const scopes = ['keys:manage', 'models:call'];
      const root = await newKey(u.headers, { name: 'root', scopes });
      const child = await newKey(bearer(root.key), { name: 'child', scopes });
      const grandchild = await newKey(bearer(child.key), { name: 'grandchild', scopes: ['models:call'] });
      const sibling = await newKey(u.headers, { name: 'sibling' });
      for (const k of [root, child, grandchild])
        expect((await chat(bearer(k.key), 'mock')).statusCode).toBe(200);

      expect((await call('DELETE', `/api/v1/api-keys/${root.id}`, u.headers)).statusCode).toBe(204);
      for (const k of [root, child, grandchild])
        expect((await chat(bearer(k.key), 'mock')).statusCode).toBe(401);
      expect((await chat(bearer(sibling.key), 'mock')).statusCode).toBe(200);
      const listed = (await call('GET', '/api/v1/api-keys', u.headers)).json().apiKeys as ApiKeyInfo[];
      for (const k of [root, child, grandchild])
        expect(listed.find((l) => l.id === k.id)!.revokedAt).not.toBeNull();
    });

    it('a key allowed an alias sees its model in both lists and calls it by every name, on every endpoint', async () => {
      const u = await owner();
      const key = bearer((await newKey(u.headers, { name: 'alias', allowedModels: ['scoped-a'] })).key);
      const openai = await call('GET', '/v1/models', key);
      expect(openai.json().data.map((m: { id: string }) => m.id)).toEqual(['scoped-model']);
      const native = await call('GET', '/api/v1/models', key);
      expect(native.json().data).toMatchObject([{ id: 'scoped-model', aliases: ['scoped-a', 'scoped-b'] }]);
      for (const name of NAMES) {
        expect((await chat(key, name)).statusCode, `chat as ${name}`).toBe(200);
        expect((await embed(key, name)).statusCode, `embeddings as ${name}`).toBe(200);
        expect((await messages(key, name)).statusCode, `messages as ${name}`).toBe(200);
      }
      expect(errorOf(await chat(key, 'mock')).code).toBe('model_not_allowed');
      expect(errorOf(await embed(key, 'mock-small')).code).toBe('model_not_allowed');
    });

    it('the WebSocket takes models:call from a key, by header or auth message; sessions pass', async () => {
      const u = await owner();
      const url = `${t.url.replace('http', 'ws')}/api/v1/ws`;
      const readOnly = (await newKey(u.headers, { name: 'ws read', scopes: ['models:read'] })).key;
      const caller = (await newKey(u.headers, { name: 'ws call', scopes: ['models:call'] })).key;
      for (const how of ['header', 'auth message'] as const) {
        const refused = await wsSignIn(url, readOnly, how);
        expect(refused.frame).toMatchObject({ type: 'error', error: { code: 'insufficient_scope' } });
        expect(refused.code).toBe(4403);
        expect((await wsSignIn(url, caller, how)).frame.type).toBe('ready');
      }
      expect((await wsSignIn(url, u.accessToken, 'header')).frame.type).toBe('ready');
    });
  });
}

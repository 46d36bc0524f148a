import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type FakeOidc,
  type FakeOpenAI,
  type SmtpSink,
  startFakeOidc,
  startFakeOpenAI,
  startSmtpSink,
} from '../../../test/fakes/index.js';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { capturedLog } from '../../../test/support/captured-log.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { creditsToUnits } from '../credits/money.js';

const PUBLIC_URL = 'http://hub.test';
const HUB_SECRET = 'hub-secret-that-must-never-be-logged-0123456789';
const OPENAI_API_KEY = 'sk-provider-key-that-must-never-be-logged';
const STRIPE_SECRET_KEY = 'sk_test_stripe-key-that-must-never-be-logged';
const STRIPE_WEBHOOK_SECRET = 'whsec_stripe-webhook-secret-never-logged';
const HUB_ADMIN_PASSWORD = 'first admin passphrase never logged';

const linkToken = (text: string, path: string) => {
  const match = new RegExp(`${path}\\?token=([A-Za-z0-9_%-]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]!);
};

for (const dialect of await testDialects()) {
  const coordination = dialect === 'postgres' ? 'redis' : 'memory';
  describe(`secrets in logs on ${dialect} + ${coordination}`, () => {
    const log = capturedLog('debug');
    let t: TestHub & { url: string };
    let sink: SmtpSink;
    let idp: FakeOidc;
    let upstream: FakeOpenAI;

    beforeAll(async () => {
      sink = await startSmtpSink();
      idp = await startFakeOidc();
      upstream = await startFakeOpenAI({ apiKey: OPENAI_API_KEY });
      const file = join(mkdtempSync(join(tmpdir(), 'hub-logs-')), 'hub.json');
      writeFileSync(
        file,
        JSON.stringify({
          oauthProviders: [
            {
              type: 'oidc',
              id: 'acme',
              issuer: idp.issuer,
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
            },
          ],
        }),
      );
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        logger: log.logger,
        env: {
          LOG_LEVEL: 'debug',
          NODE_ENV: 'production',
          HUB_PASSWORD_HASH_COST: 'test',
          HUB_SECRET,
          PUBLIC_URL,
          HUB_CONFIG: file,
          SMTP_URL: `${sink.url}?ignoreTLS=true`,
          OPENAI_API_KEY,
          OPENAI_BASE_URL: upstream.baseURL,
          STRIPE_SECRET_KEY,
          STRIPE_WEBHOOK_SECRET,
          HUB_ADMIN_EMAIL: 'first-admin@example.com',
          HUB_ADMIN_PASSWORD,
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await sink?.close();
      await idp?.close();
      await upstream?.close();
    });

    it('never logs a password, token, key, hash or configured secret, through every flow at debug level', async () => {
      const secrets: string[] = [
        HUB_SECRET,
        OPENAI_API_KEY,
        STRIPE_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET,
        HUB_ADMIN_PASSWORD,
      ];
      const keep = <T extends string>(secret: T): T => {
        secrets.push(secret);
        return secret;
      };
      if (idp.clientSecret) keep(idp.clientSecret);
      const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
        t.app.inject({ method: 'POST', url, payload, headers });
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
      const email = 'logs@example.com';

      // Register, and verify the email through the mailed link.
      const password = keep('a very secret passphrase 7');
      const reg = await post('/api/v1/auth/register', { email, password });
      expect(reg.statusCode).toBe(201);
      const first = reg.json();
      keep(first.accessToken);
      keep(first.refreshToken);
      const verifyMail = await sink.waitForMessage((m) => m.to.includes(email) && /Confirm/.test(m.subject));
      const verifyToken = keep(linkToken(verifyMail.text, '/verify-email'));
      expect((await post('/api/v1/auth/verify-email', { token: verifyToken })).statusCode).toBe(204);
      expect((await post('/api/v1/auth/verify-email', { token: verifyToken })).statusCode).toBe(400);

      // Log in (a wrong password first), refresh (several tabs at once), reuse, log out.
      expect((await post('/api/v1/auth/login', { email, password: keep(`${password}x`) })).statusCode).toBe(
        401,
      );
      const login = (await post('/api/v1/auth/login', { email, password })).json();
      keep(login.accessToken);
      keep(login.refreshToken);
      const refreshed = await Promise.all(
        [1, 2, 3].map(() => post('/api/v1/auth/refresh', { refreshToken: login.refreshToken })),
      );
      for (const r of refreshed) keep(r.json().accessToken);
      const next = refreshed[0]!.json();
      keep(next.refreshToken);
      expect(
        (await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken }, { 'user-agent': 'x' }))
          .statusCode,
      ).toBe(200);
      expect((await post('/api/v1/auth/logout', { refreshToken: next.refreshToken })).statusCode).toBe(204);
      expect((await post('/api/v1/auth/refresh', { refreshToken: next.refreshToken })).statusCode).toBe(401);

      // Forgot and reset the password; change it from a session.
      expect((await post('/api/v1/auth/forgot-password', { email })).statusCode).toBe(202);
      const resetMail = await sink.waitForMessage(
        (m) => m.to.includes(email) && /Reset your/.test(m.subject),
      );
      const resetToken = keep(linkToken(resetMail.text, '/reset-password'));
      const weak = await post('/api/v1/auth/reset-password', {
        token: resetToken,
        password: keep('password123'),
      });
      expect(weak.statusCode).toBe(400);
      expect((await post('/api/v1/auth/forgot-password', { email })).statusCode).toBe(202);
      const resetMail2 = await sink.waitForMessage(
        (m) => m.to.includes(email) && /Reset your/.test(m.subject) && m !== resetMail,
      );
      const resetToken2 = keep(linkToken(resetMail2.text, '/reset-password'));
      const reset = keep('another secret passphrase 8');
      expect(
        (await post('/api/v1/auth/reset-password', { token: resetToken2, password: reset })).statusCode,
      ).toBe(204);
      const afterReset = (await post('/api/v1/auth/login', { email, password: reset })).json();
      keep(afterReset.accessToken);
      keep(afterReset.refreshToken);
      const changed = keep('a third secret passphrase 9');
      const change = await post(
        '/api/v1/me/password',
        { currentPassword: reset, newPassword: changed },
        bearer(afterReset.accessToken),
      );
      expect(change.statusCode).toBe(204);
      const session = (await post('/api/v1/auth/login', { email, password: changed })).json();
      keep(session.accessToken);
      keep(session.refreshToken);

      // OAuth sign-in through a fake provider: its code, state and tokens.
      idp.setUser({ sub: 'logs-1', email: 'oauth-logs@example.com', email_verified: true });
      const start = await t.app.inject({ url: '/api/v1/auth/oauth/acme' });
      expect(start.statusCode).toBe(302);
      const authorize = new URL(start.headers.location as string);
      keep(authorize.searchParams.get('state')!);
      keep(authorize.searchParams.get('code_challenge')!);
      const approved = await fetch(authorize, { redirect: 'manual' });
      const back = new URL(approved.headers.get('location')!);
      keep(back.searchParams.get('code')!);
      const oauth = await t.app.inject({ url: `${back.pathname}${back.search}` });
      expect(oauth.statusCode).toBe(200);
      keep(oauth.json().accessToken);
      keep(oauth.json().refreshToken);

      // API keys: create one, use it by every header, call a model upstream with it.
      const created = await post('/api/v1/api-keys', { name: 'logs' }, bearer(session.accessToken));
      expect(created.statusCode).toBe(201);
      const key = keep(created.json().key as string);
      await t.app.inject({ url: '/v1/models', headers: bearer(key) });
      await t.app.inject({ url: '/v1/models', headers: { 'x-api-key': key } });
      await t.hub.services.credits.grant({
        userId: first.user.id,
        amount: creditsToUnits(5),
        idempotencyKey: 'logs-grant',
      });
      const chat = await post(
        '/v1/chat/completions',
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] },
        bearer(key),
      );
      expect(chat.statusCode).toBe(200);
      // A key where it is refused, a forged one, credentials in the query string.
      await t.app.inject({ url: `/api/v1/me?token=${session.accessToken}&api_key=${key}` });
      await t.app.inject({ url: '/api/v1/me', headers: bearer(keep(`${key.slice(0, -4)}AAAA`)) });
      await t.app.inject({ url: '/api/v1/me', headers: { cookie: `refreshToken=${session.refreshToken}` } });

      // The WebSocket with its token in the query string.
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/ws?token=${session.accessToken}`);
      await new Promise<void>((resolve, reject) => {
        socket.once('message', () => resolve());
        socket.once('error', reject);
      });
      socket.close();

      // An admin mints an access token for the user.
      const admin = await createUser(t, { role: 'admin' });
      keep(admin.accessToken);
      keep(admin.refreshToken);
      keep(admin.apiKey);
      keep(admin.password);
      const minted = await post(`/api/v1/admin/users/${first.user.id}/tokens`, {}, admin.headers);
      expect(minted.statusCode).toBe(201);
      keep(minted.json().accessToken);

      // What the database holds instead of the secrets must not leak either.
      const { db } = t.database;
      for (const row of await db.selectFrom('users').select('password_hash').execute()) {
        if (row.password_hash) keep(row.password_hash);
      }
      for (const row of await db.selectFrom('api_keys').select('key_hash').execute()) keep(row.key_hash);
      for (const row of await db.selectFrom('refresh_tokens').select('token_hash').execute())
        keep(row.token_hash);
      for (const row of await db.selectFrom('one_time_tokens').select('token_hash').execute())
        keep(row.token_hash);

      await expect.poll(() => log.find(/request completed/).length).toBeGreaterThan(25);
      const text = log.text();
      expect(t.app.log.level).toBe('debug');
      // The requests themselves are in the log (paths only), so the scan below reads something.
      for (const path of ['/api/v1/auth/reset-password', '/api/v1/auth/oauth/acme/callback', '/api/v1/ws']) {
        expect(text).toContain(path);
      }
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(7);
        if (text.includes(secret)) throw new Error(`a secret was logged: ${secret.slice(0, 6)}...`);
      }
      // No link with a token either, whatever the token.
      expect(text).not.toMatch(/(verify-email|reset-password)\?token=/);
    });
  });
}

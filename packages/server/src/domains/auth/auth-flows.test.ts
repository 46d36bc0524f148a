import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/fakes/index.js';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { creditsToUnits } from '../credits/money.js';

const PUBLIC_URL = 'https://hub.example.com';

function linkToken(text: string, path: string): string {
  const match = new RegExp(`${PUBLIC_URL.replaceAll('.', '\\.')}${path}\\?token=([A-Za-z0-9_%-]+)`).exec(
    text,
  );
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]!);
}

for (const dialect of await testDialects()) {
  describe(`auth flows over HTTP on ${dialect}`, () => {
    let t: TestHub;
    let sink: SmtpSink;
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await createTestHub({ dialect, env: { PUBLIC_URL, SMTP_URL: `${sink.url}?ignoreTLS=true` } });
    });
    afterAll(async () => {
      await t?.close();
      await sink?.close();
    });
    beforeEach(() => sink.clear());

    it('registers, verifies the email through the emailed link, and refuses the link twice', async () => {
      const res = await post('/api/v1/auth/register', {
        email: 'Alice@Example.com',
        password: 'a sturdy passphrase',
        name: 'Alice',
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.user).toMatchObject({ email: 'alice@example.com', role: 'user', emailVerified: false });
      expect(body.expiresIn).toBe(900);
      expect(body.refreshToken).toMatch(/^rt_/);

      const mail = await sink.waitForMessage((m) => m.to.includes('alice@example.com'));
      const token = linkToken(mail.text, '/verify-email');
      expect((await post('/api/v1/auth/verify-email', { token })).statusCode).toBe(204);
      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(body.accessToken) });
      expect(me.json()).toMatchObject({ email: 'alice@example.com', emailVerified: true, name: 'Alice' });
      const again = await post('/api/v1/auth/verify-email', { token });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.code).toBe('invalid_token');
    });

    it('refuses a taken email, a common password, and accepts a 100-character one', async () => {
      await post('/api/v1/auth/register', { email: 'bob@example.com', password: 'bob-password-1' });
      const taken = await post('/api/v1/auth/register', {
        email: 'BOB@example.com',
        password: 'another-pass-2',
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.code).toBe('email_taken');
      const common = await post('/api/v1/auth/register', {
        email: 'carol@example.com',
        password: 'Password1',
      });
      expect(common.statusCode).toBe(400);
      expect(common.json().error.message).toMatch(/too common/);
      const long =
        'copper lanterns drift over quiet harbours while seven ferries hum old tunes beneath a violet sky, ok';
      expect(
        (await post('/api/v1/auth/register', { email: 'dan@example.com', password: long })).statusCode,
      ).toBe(201);
      expect(
        (await post('/api/v1/auth/login', { email: 'dan@example.com', password: long })).statusCode,
      ).toBe(200);
      // No truncation: the first 72 characters alone are not the password.
      const truncated = await post('/api/v1/auth/login', {
        email: 'dan@example.com',
        password: long.slice(0, 72),
      });
      expect(truncated.statusCode).toBe(401);
    });

    it('logs in, and answers a wrong password and an unknown email alike', async () => {
      const u = await createUser(t);
      const ok = await post('/api/v1/auth/login', { email: u.user.email, password: u.password });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user.id).toBe(u.user.id);
      const wrong = await post('/api/v1/auth/login', { email: u.user.email, password: 'not-the-password' });
      const unknown = await post('/api/v1/auth/login', {
        email: 'nobody@example.com',
        password: 'not-the-password',
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().error.message).toBe(unknown.json().error.message);
    });

    it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
      const u = await createUser(t);
      const first = await post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
      expect(first.statusCode).toBe(200);
      const rotated = first.json();
      expect(rotated.refreshToken).not.toBe(u.refreshToken);
      const second = await post('/api/v1/auth/refresh', { refreshToken: rotated.refreshToken });
      expect(second.statusCode).toBe(200);
      const latest = second.json();

      // The stolen, already-rotated first token comes back: theft signal.
      const reuse = await post('/api/v1/auth/refresh', { refreshToken: u.refreshToken });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().error.code).toBe('invalid_token');
      expect((await post('/api/v1/auth/refresh', { refreshToken: latest.refreshToken })).statusCode).toBe(
        401,
      );
      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(latest.accessToken) });
      expect(me.statusCode).toBe(401);
    });

    it('logs out: the refresh token and the session access token stop working', async () => {
      const u = await createUser(t);
      expect((await t.app.inject({ url: '/api/v1/me', headers: u.headers })).statusCode).toBe(200);
      expect((await post('/api/v1/auth/logout', { refreshToken: u.refreshToken })).statusCode).toBe(204);
      expect((await post('/api/v1/auth/refresh', { refreshToken: u.refreshToken })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/api/v1/me', headers: u.headers })).statusCode).toBe(401);
    });

    it('resets a password through the emailed link; forgot-password answers alike for unknown emails', async () => {
      const u = await createUser(t);
      const unknown = await post('/api/v1/auth/forgot-password', { email: 'ghost@example.com' });
      const known = await post('/api/v1/auth/forgot-password', { email: u.user.email });
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(known.json()).toEqual(unknown.json());
      const mail = await sink.waitForMessage((m) => m.to.includes(u.user.email));
      expect(sink.messages.some((m) => m.to.includes('ghost@example.com'))).toBe(false);
      const token = linkToken(mail.text, '/reset-password');

      const weak = await post('/api/v1/auth/reset-password', { token, password: 'qwerty123' });
      expect(weak.statusCode).toBe(400);
      // The weak attempt used the token up: ask again.
      await post('/api/v1/auth/forgot-password', { email: u.user.email });
      const mail2 = await sink.waitForMessage((m) => m.to.includes(u.user.email) && m !== mail);
      const token2 = linkToken(mail2.text, '/reset-password');
      expect(
        (await post('/api/v1/auth/reset-password', { token: token2, password: 'brand new secret 9' }))
          .statusCode,
      ).toBe(204);
      expect(
        (await post('/api/v1/auth/reset-password', { token: token2, password: 'other new secret 9' }))
          .statusCode,
      ).toBe(400);
      expect(
        (await post('/api/v1/auth/login', { email: u.user.email, password: u.password })).statusCode,
      ).toBe(401);
      expect(
        (await post('/api/v1/auth/login', { email: u.user.email, password: 'brand new secret 9' }))
          .statusCode,
      ).toBe(200);
      // Every earlier session ended, and the user is told.
      expect((await post('/api/v1/auth/refresh', { refreshToken: u.refreshToken })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/api/v1/me', headers: u.headers })).statusCode).toBe(401);
      const told = await sink.waitForMessage(
        (m) => m.to.includes(u.user.email) && m.subject === 'Your Smart AI Hub password was reset',
      );
      expect(told.text).toMatch(/every session of the account was signed out/);
      expect(told.text).not.toMatch(/token=/);
    });

    it('changes the password with the current one, ending the sessions', async () => {
      const u = await createUser(t);
      const wrong = await post(
        '/api/v1/me/password',
        { currentPassword: 'nope-nope', newPassword: 'next secret 11' },
        u.headers,
      );
      expect(wrong.statusCode).toBe(401);
      const ok = await post(
        '/api/v1/me/password',
        { currentPassword: u.password, newPassword: 'next secret 11' },
        u.headers,
      );
      expect(ok.statusCode).toBe(204);
      expect((await t.app.inject({ url: '/api/v1/me', headers: u.headers })).statusCode).toBe(401);
      await sink.waitForMessage(
        (m) => m.to.includes(u.user.email) && m.subject === 'Your Smart AI Hub password was changed',
      );
      expect(
        (await post('/api/v1/auth/login', { email: u.user.email, password: 'next secret 11' })).statusCode,
      ).toBe(200);
    });

    it('creates, uses, lists and revokes API keys; never shows the key again', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      const created = await post(
        '/api/v1/api-keys',
        { name: 'server', scopes: ['profile:read'], allowedModels: ['gpt-4o-mini'], spendCap: 12.5 },
        u.headers,
      );
      expect(created.statusCode).toBe(201);
      const key = created.json();
      expect(key.key).toMatch(/^sk-hub-[A-Za-z0-9_-]{43}$/);
      expect(key).toMatchObject({ name: 'server', allowedModels: ['gpt-4o-mini'], spendCap: 12.5, spent: 0 });

      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(key.key) });
      expect(me.statusCode).toBe(200);
      expect(me.json().id).toBe(u.user.id);
      const principal = await t.hub.authenticate({ headers: bearer(key.key) } as never);
      expect(principal).toMatchObject({
        via: 'api_key',
        apiKey: { id: key.id, allowedModels: ['gpt-4o-mini'], spendCap: creditsToUnits(12.5) },
      });

      const list = await t.app.inject({ url: '/api/v1/api-keys', headers: u.headers });
      expect(list.json().apiKeys.map((k: { id: string }) => k.id)).toContain(key.id);
      expect(list.body).not.toContain(key.key);
      expect(list.body).not.toMatch(/hash/i);

      const foreign = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${key.id}`,
        headers: other.headers,
      });
      expect(foreign.statusCode).toBe(404);
      const revoked = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${key.id}`,
        headers: u.headers,
      });
      expect(revoked.statusCode).toBe(204);
      expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(key.key) })).statusCode).toBe(401);
    });

    it('refuses an expired API key', async () => {
      const u = await createUser(t);
      const { key } = await t.hub.services.apiKeys.create(u.user.id, {
        name: 'old',
        expiresAt: Date.now() - 1,
      });
      expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(key) })).statusCode).toBe(401);
    });

    it('lists sessions and revokes one; another user gets 404 for it', async () => {
      const u = await createUser(t);
      const second = await post('/api/v1/auth/login', { email: u.user.email, password: u.password });
      const list = await t.app.inject({ url: '/api/v1/me/sessions', headers: u.headers });
      const sessions = list.json().sessions;
      expect(sessions).toHaveLength(2);
      expect(sessions.find((s: { current: boolean }) => s.current).id).toBe(u.sessionId);
      const other = await createUser(t);
      const target = `/api/v1/me/sessions/${u.sessionId}`;
      expect((await t.app.inject({ method: 'DELETE', url: target, headers: other.headers })).statusCode).toBe(
        404,
      );
      expect(
        (await t.app.inject({ method: 'DELETE', url: target, headers: bearer(second.json().accessToken) }))
          .statusCode,
      ).toBe(204);
      expect((await t.app.inject({ url: '/api/v1/me', headers: u.headers })).statusCode).toBe(401);
    });

    it('throttles failed logins per account and address, with Retry-After, and lets other accounts in', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 10; i++) {
        const res = await post('/api/v1/auth/login', {
          email: u.user.email,
          password: `wrong-${i}-password`,
        });
        expect(res.statusCode).toBe(401);
      }
      const locked = await post('/api/v1/auth/login', { email: u.user.email, password: u.password });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('rate_limited');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      // The 15-minute window slides over epoch-aligned halves: the wait is at most two windows.
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(2 * 15 * 60);
      const v = await createUser(t);
      expect(
        (await post('/api/v1/auth/login', { email: v.user.email, password: v.password })).statusCode,
      ).toBe(200);
    });

    it('updates the profile', async () => {
      const u = await createUser(t);
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: { name: 'New Name' },
        headers: u.headers,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'New Name', id: u.user.id });
      expect(res.body).not.toMatch(/password|hash/i);
    });
  });
}

import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { AuditEventInfo } from '@smart-ai-hub/sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/fakes/index.js';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

const PUBLIC_URL = 'https://hub.example.com';
const UA = 'audit-test-agent/1.0';

function linkToken(text: string, path: string): string {
  const match = new RegExp(`${PUBLIC_URL.replaceAll('.', '\\.')}${path}\\?token=([A-Za-z0-9_%-]+)`).exec(
    text,
  );
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]!);
}

for (const dialect of await testDialects()) {
  const stack = dialect === 'postgres' ? 'postgres + redis' : 'sqlite + memory';
  describe(`audited actions over HTTP on ${stack}`, () => {
    let t: TestHub;
    let sink: SmtpSink;
    let admin: TestUser;
    const call = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      options: { body?: unknown; token?: string; requestId?: string } = {},
    ) =>
      t.app.inject({
        method,
        url,
        ...(options.body === undefined ? {} : { payload: options.body as object }),
        headers: {
          'user-agent': UA,
          ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      });
    /** The records about `target` (its id as target or account), oldest first. */
    const recordsAbout = async (target: string): Promise<AuditEventInfo[]> => {
      const res = await call('GET', `/api/v1/admin/audit?target=${target}&limit=200`, {
        token: admin.accessToken,
      });
      expect(res.statusCode).toBe(200);
      return (res.json().data as AuditEventInfo[]).reverse();
    };
    const actions = (records: AuditEventInfo[]) => records.map((r) => r.action);

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await createTestHub({
        dialect,
        coordination: dialect === 'postgres' ? 'redis' : 'memory',
        env: { PUBLIC_URL, SMTP_URL: `${sink.url}?ignoreTLS=true` },
      });
      admin = await createUser(t, { role: 'admin' });
    });
    afterAll(async () => {
      await t?.close();
      await sink?.close();
    });
    beforeEach(() => sink.clear());

    it('sign-up, sign-in and failed sign-ins: who, from where, with which request id', async () => {
      const registered = await call('POST', '/api/v1/auth/register', {
        body: { email: 'ada@example.com', password: 'a sturdy passphrase' },
        requestId: 'req-register-1',
      });
      expect(registered.statusCode).toBe(201);
      const userId = registered.json().user.id as string;
      expect(
        (
          await call('POST', '/api/v1/auth/login', {
            body: { email: 'ada@example.com', password: 'a sturdy passphrase' },
            requestId: 'req-login-1',
          })
        ).statusCode,
      ).toBe(200);
      expect(
        (
          await call('POST', '/api/v1/auth/login', {
            body: { email: 'ada@example.com', password: 'wrong passphrase!' },
          })
        ).statusCode,
      ).toBe(401);
      expect(
        (
          await call('POST', '/api/v1/auth/login', {
            body: { email: 'ghost@example.com', password: 'wrong passphrase!' },
          })
        ).statusCode,
      ).toBe(401);

      const records = await recordsAbout(userId);
      expect(actions(records)).toEqual([
        'user.created',
        'auth.signed_in',
        'auth.signed_in',
        'auth.sign_in_failed',
      ]);
      const [created, signUp, signIn, failed] = records;
      expect(created).toMatchObject({
        actor: { kind: 'anonymous', id: null },
        target: { type: 'user', id: userId },
        changes: { after: { email: 'ada@example.com', role: 'user', emailVerified: false } },
        ip: '127.0.0.1',
        userAgent: UA,
        requestId: 'req-register-1',
      });
      expect(signUp).toMatchObject({
        actor: { kind: 'user', id: userId },
        details: { method: 'sign_up' },
        target: { type: 'session' },
      });
      expect(signIn).toMatchObject({
        details: { method: 'password' },
        requestId: 'req-login-1',
        userAgent: UA,
      });
      expect(failed).toMatchObject({
        actor: { kind: 'anonymous' },
        details: { reason: 'wrong_password', email: 'ada@example.com' },
      });
      const ghost = await call('GET', '/api/v1/admin/audit?action=auth.sign_in_failed&limit=200', {
        token: admin.accessToken,
      });
      expect(
        ghost
          .json()
          .data.some((r: AuditEventInfo) => r.details?.reason === 'unknown_account' && r.userId === null),
      ).toBe(true);
      // No record carries the password, in any field.
      expect(JSON.stringify(records)).not.toContain('sturdy');
    });

    it('password change and reset, each ending every session; refresh-token reuse; a revoked session', async () => {
      const u = await createUser(t);
      const changed = await call('POST', '/api/v1/me/password', {
        token: u.accessToken,
        body: { currentPassword: u.password, newPassword: 'a new sturdy passphrase' },
      });
      expect(changed.statusCode).toBe(204);
      expect(
        (await call('POST', '/api/v1/auth/forgot-password', { body: { email: u.user.email } })).statusCode,
      ).toBe(202);
      const mail = await sink.waitForMessage(
        (m) => m.to.includes(u.user.email) && m.text.includes('/reset-password'),
      );
      const reset = await call('POST', '/api/v1/auth/reset-password', {
        body: { token: linkToken(mail.text, '/reset-password'), password: 'yet another sturdy phrase' },
      });
      expect(reset.statusCode).toBe(204);

      const login = await call('POST', '/api/v1/auth/login', {
        body: { email: u.user.email, password: 'yet another sturdy phrase' },
      });
      const first = login.json();
      const rotated = await call('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      expect(rotated.statusCode).toBe(200);
      await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.json().refreshToken } });
      // The first token again, after its successor was used: reuse.
      expect(
        (await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } }))
          .statusCode,
      ).toBe(401);

      const again = await call('POST', '/api/v1/auth/login', {
        body: { email: u.user.email, password: 'yet another sturdy phrase' },
      });
      const session = (await t.hub.services.accessTokens.verify(again.json().accessToken))!.sessionId!;
      expect(
        (await call('DELETE', `/api/v1/me/sessions/${session}`, { token: again.json().accessToken }))
          .statusCode,
      ).toBe(204);

      const records = await recordsAbout(u.user.id);
      expect(actions(records).slice(3)).toEqual([
        'auth.password_changed',
        'auth.session_revoked',
        'auth.password_reset',
        'auth.signed_in',
        'auth.refresh_token_reused',
        'auth.signed_in',
        'auth.session_revoked',
      ]);
      const byAction = (a: string) => records.filter((r) => r.action === a);
      expect(byAction('auth.password_changed')[0]).toMatchObject({ actor: { kind: 'user', id: u.user.id } });
      expect(byAction('auth.session_revoked')[0]).toMatchObject({
        target: { type: 'user', id: u.user.id },
        details: { reason: 'password_changed', sessionIds: [u.sessionId] },
      });
      expect(byAction('auth.password_reset')[0]).toMatchObject({
        actor: { kind: 'anonymous' },
        ip: '127.0.0.1',
      });
      expect(byAction('auth.refresh_token_reused')[0]).toMatchObject({
        details: { reason: 'refresh_token_reuse' },
      });
      expect(byAction('auth.session_revoked')[1]).toMatchObject({
        target: { type: 'session', id: session },
        details: { reason: 'revoked_by_user' },
      });
    });

    it('keys made and revoked, with the key made under it; what an admin does, by session and by key', async () => {
      const u = await createUser(t);
      const made = await call('POST', '/api/v1/api-keys', {
        token: u.accessToken,
        body: { name: 'ci', scopes: ['models:call', 'keys:manage'], spendCap: 2.5 },
      });
      expect(made.statusCode).toBe(201);
      const key = made.json();
      const child = await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { authorization: `Bearer ${key.key}` },
        payload: { name: 'child', scopes: ['models:call'], spendCap: 1 },
      });
      expect(child.statusCode).toBe(201);
      expect((await call('DELETE', `/api/v1/api-keys/${key.id}`, { token: u.accessToken })).statusCode).toBe(
        204,
      );

      const created = await call('POST', '/api/v1/admin/users', {
        token: admin.accessToken,
        body: { email: 'grace@example.com', name: 'Grace' },
      });
      const graceId = created.json().id as string;
      await call('PATCH', `/api/v1/admin/users/${graceId}`, {
        token: admin.accessToken,
        body: { role: 'moderator' },
      });
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${graceId}`,
        headers: { authorization: `Bearer ${admin.apiKey}` },
        payload: { disabled: true },
      });
      await call('PATCH', `/api/v1/admin/users/${graceId}`, {
        token: admin.accessToken,
        body: { disabled: false },
      });
      await call('POST', `/api/v1/admin/users/${u.user.id}/tokens`, {
        token: admin.accessToken,
        body: { expiresIn: 60 },
      });

      // Leaving out the fixture's own key.
      const keys = (await recordsAbout(u.user.id)).filter((r) => r.target?.id !== u.apiKeyId);
      expect(actions(keys).filter((a) => a.startsWith('api_key.'))).toEqual([
        'api_key.created',
        'api_key.created',
        'api_key.revoked',
        'api_key.revoked',
      ]);
      const [parentMade, childMade, parentRevoked, childRevoked] = keys.filter((r) =>
        r.action.startsWith('api_key.'),
      );
      expect(parentMade).toMatchObject({
        actor: { kind: 'user', id: u.user.id, keyId: null },
        target: { type: 'api_key', id: key.id },
        changes: { after: { name: 'ci', scopes: ['models:call', 'keys:manage'], spendCap: 2.5 } },
      });
      expect(childMade).toMatchObject({ actor: { kind: 'api_key', id: u.user.id, keyId: key.id } });
      expect(parentRevoked!.target).toEqual({ type: 'api_key', id: key.id });
      expect(childRevoked).toMatchObject({
        target: { id: child.json().id },
        details: { cause: expect.stringContaining(key.id) },
      });
      expect(JSON.stringify(keys)).not.toContain(key.key);
      expect(keys.find((r) => r.action === 'auth.token_minted')).toMatchObject({
        actor: { kind: 'user', id: admin.user.id },
        details: { expiresIn: 60 },
      });

      const grace = await recordsAbout(graceId);
      expect(actions(grace)).toEqual(
        ['user.created', 'user.role_changed', 'user.disabled', 'auth.session_revoked', 'user.enabled'].filter(
          // Grace never signed in: disabling her had no session to end.
          (a) => a !== 'auth.session_revoked',
        ),
      );
      expect(grace[0]).toMatchObject({
        actor: { kind: 'user', id: admin.user.id },
        changes: { after: { name: 'Grace' } },
      });
      expect(grace[1]).toMatchObject({ changes: { before: { role: 'user' }, after: { role: 'moderator' } } });
      expect(grace[2]).toMatchObject({
        actor: { kind: 'api_key', id: admin.user.id, keyId: admin.apiKeyId },
        changes: { before: { disabled: false }, after: { disabled: true } },
      });
    });

    it('writes each record in the action’s transaction: no record, no action', async () => {
      const u = await createUser(t);
      const moveAway = () => sql`alter table audit_log rename to audit_log_away`.execute(t.hub.db);
      const moveBack = () => sql`alter table audit_log_away rename to audit_log`.execute(t.hub.db);
      await moveAway();
      try {
        const role = await call('PATCH', `/api/v1/admin/users/${u.user.id}`, {
          token: admin.accessToken,
          body: { role: 'moderator' },
        });
        expect(role.statusCode).toBe(500);
        const key = await call('POST', '/api/v1/api-keys', { token: u.accessToken, body: { name: 'never' } });
        expect(key.statusCode).toBe(500);
        const revoke = await call('DELETE', `/api/v1/me/sessions/${u.sessionId}`, { token: u.accessToken });
        expect(revoke.statusCode).toBe(500);
      } finally {
        await moveBack();
      }
      expect((await t.hub.services.users.get(u.user.id)).role).toBe('user');
      expect((await t.hub.services.apiKeys.list(u.user.id)).map((k) => k.name)).toEqual(['fixture key']);
      expect(await t.hub.services.sessions.isActive(u.sessionId, u.user.id)).toBe(true);
      expect((await t.hub.services.audit.verify()).ok).toBe(true);
    });

    it('shows each user their own security events only; admins alone read the log, nobody deletes it', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      await call('POST', '/api/v1/auth/login', {
        body: { email: u.user.email, password: 'wrong password here' },
      });
      const mine = await call('GET', '/api/v1/me/security-events', { token: u.accessToken });
      expect(mine.statusCode).toBe(200);
      const events = mine.json().data as AuditEventInfo[];
      expect(events.map((e) => e.action)).toEqual([
        'auth.sign_in_failed',
        'api_key.created',
        'auth.signed_in',
        'user.created',
      ]);
      expect(events.every((e) => e.userId === u.user.id)).toBe(true);
      const paged = await call('GET', '/api/v1/me/security-events?limit=2', { token: u.accessToken });
      const next = await call('GET', `/api/v1/me/security-events?limit=2&cursor=${paged.json().nextCursor}`, {
        token: u.accessToken,
      });
      expect([...paged.json().data, ...next.json().data].map((e: AuditEventInfo) => e.id)).toEqual(
        events.map((e) => e.id),
      );

      expect((await call('GET', '/api/v1/admin/audit', { token: other.accessToken })).statusCode).toBe(403);
      for (const method of ['DELETE', 'PATCH', 'POST'] as const) {
        expect(
          (await call(method, '/api/v1/admin/audit', { token: admin.accessToken, body: {} })).statusCode,
        ).toBe(404);
      }
      const bad = await call('GET', '/api/v1/admin/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', {
        token: admin.accessToken,
      });
      expect(bad.statusCode).toBe(400);
      const window = await call(
        'GET',
        `/api/v1/admin/audit?actor=${admin.user.id}&action=user.*&from=${new Date(Date.now() - 3_600_000).toISOString()}`,
        { token: admin.accessToken },
      );
      expect(window.statusCode).toBe(200);
      expect(window.json().data.length).toBeGreaterThan(0);
      expect(
        window
          .json()
          .data.every((r: AuditEventInfo) => r.actor.id === admin.user.id && r.action.startsWith('user.')),
      ).toBe(true);
      expect((await t.hub.services.audit.verify()).ok).toBe(true);
    });
  });
}

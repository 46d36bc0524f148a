import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

for (const dialect of await testDialects()) {
  describe(`admin user management on ${dialect}`, () => {
    let t: TestHub;
    let admin: TestUser;
    let moderator: TestUser;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      t = await createTestHub({ dialect });
      admin = await createUser(t, { role: 'admin' });
      moderator = await createUser(t, { role: 'moderator' });
    });
    afterAll(() => t?.close());

    it('pages through users; moderators may read', async () => {
      for (let i = 0; i < 3; i++) await createUser(t);
      const first = await t.app.inject({ url: '/api/v1/admin/users?limit=2', headers: moderator.headers });
      expect(first.statusCode).toBe(200);
      const page = first.json();
      expect(page.users).toHaveLength(2);
      expect(page.nextCursor).toBe(page.users[1].id);
      const next = await t.app.inject({
        url: `/api/v1/admin/users?limit=2&cursor=${page.nextCursor}`,
        headers: moderator.headers,
      });
      expect(next.json().users[0].id > page.users[1].id).toBe(true);
      expect(first.body).not.toMatch(/password|hash/i);
    });

    it('lets a host backend with an admin API key create a user and act for them with a minted token', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: bearer(admin.apiKey),
        payload: { email: 'hosted@example.com', role: 'user', emailVerified: true },
      });
      expect(created.statusCode).toBe(201);
      const user = created.json();
      expect(user).toMatchObject({ email: 'hosted@example.com', role: 'user', emailVerified: true });
      const minted = await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${user.id}/tokens`,
        headers: bearer(admin.apiKey),
        payload: { expiresIn: 120 },
      });
      expect(minted.statusCode).toBe(201);
      expect(minted.json().expiresIn).toBe(120);
      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(minted.json().accessToken) });
      expect(me.json().id).toBe(user.id);
      const tooLong = await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${user.id}/tokens`,
        headers: bearer(admin.apiKey),
        payload: { expiresIn: 86_400 },
      });
      expect(tooLong.statusCode).toBe(400);
    });

    it('refuses a common password for a created user, and a taken email', async () => {
      const weak = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: admin.headers,
        payload: { email: 'weak@example.com', password: 'iloveyou' },
      });
      expect(weak.statusCode).toBe(400);
      const taken = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: admin.headers,
        payload: { email: admin.user.email },
      });
      expect(taken.statusCode).toBe(409);
    });

    it('changes a role, which applies to the next request', async () => {
      const u = await createUser(t);
      expect((await t.app.inject({ url: '/api/v1/admin/users', headers: u.headers })).statusCode).toBe(403);
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${u.user.id}`,
        headers: admin.headers,
        payload: { role: 'moderator' },
      });
      expect(res.json().role).toBe('moderator');
      expect((await t.app.inject({ url: '/api/v1/admin/users', headers: u.headers })).statusCode).toBe(200);
    });

    it('disables a user: tokens, keys, refresh and login stop; enabling lets them sign in again', async () => {
      const u = await createUser(t);
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${u.user.id}`,
        headers: admin.headers,
        payload: { disabled: true },
      });
      expect(res.json().disabled).toBe(true);
      expect((await t.app.inject({ url: '/api/v1/me', headers: u.headers })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(u.apiKey) })).statusCode).toBe(401);
      const refresh = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refreshToken: u.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.user.email, password: u.password },
      });
      expect(login.statusCode).toBe(403);
      const mint = await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${u.user.id}/tokens`,
        headers: admin.headers,
      });
      expect(mint.statusCode).toBe(409);

      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${u.user.id}`,
        headers: admin.headers,
        payload: { disabled: false },
      });
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.user.email, password: u.password },
      });
      expect(again.statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(u.apiKey) })).statusCode).toBe(200);
    });

    it('keeps an admin from disabling or demoting themselves', async () => {
      const url = `/api/v1/admin/users/${admin.user.id}`;
      const disable = await t.app.inject({
        method: 'PATCH',
        url,
        headers: admin.headers,
        payload: { disabled: true },
      });
      expect(disable.statusCode).toBe(409);
      const demote = await t.app.inject({
        method: 'PATCH',
        url,
        headers: admin.headers,
        payload: { role: 'user' },
      });
      expect(demote.statusCode).toBe(409);
    });

    it('answers 404 for an unknown user', async () => {
      const res = await t.app.inject({ url: '/api/v1/admin/users/usr_nobody', headers: admin.headers });
      expect(res.statusCode).toBe(404);
    });
  });
}

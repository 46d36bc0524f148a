import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../server/test/support/test-hub.js';
import {
  type AuthEvent,
  AuthenticationError,
  ConflictError,
  HubClient,
  memoryTokenStore,
} from '../src/index.js';

for (const dialect of await testDialects()) {
  describe(`auth against a real hub (${dialect})`, () => {
    let t: TestHub & { url: string };
    beforeAll(async () => {
      t = await createTestHub({ dialect, listen: true });
    });
    afterAll(() => t?.close());

    const newClient = () =>
      new HubClient({ baseURL: t.url, auth: { tokenStore: memoryTokenStore() }, maxRetries: 0 });
    const email = () => `sdk-${Math.random().toString(36).slice(2)}@example.test`;
    const password = 'a sturdy passphrase 42';

    it('registers, signs in, reads the profile and signs out', async () => {
      const client = newClient();
      const events: AuthEvent[] = [];
      client.auth.onAuthStateChange((event) => events.push(event));
      const address = email();
      const session = await client.auth.register({ email: address, password, name: 'Ada' });
      expect(session.user).toMatchObject({ email: address, name: 'Ada', role: 'user' });
      expect(session.expiresAt).toBeGreaterThan(Date.now());
      await expect(client.me.get()).resolves.toMatchObject({ id: session.user.id, email: address });

      await client.auth.logout();
      expect(await client.auth.getSession()).toBeNull();
      await expect(client.me.get()).rejects.toBeInstanceOf(AuthenticationError);

      await client.auth.login({ email: address, password });
      await expect(client.me.update({ name: 'Ada L.' })).resolves.toMatchObject({ name: 'Ada L.' });
      expect(events).toEqual(['SIGNED_IN', 'SIGNED_OUT', 'SIGNED_IN']);
    });

    it('maps the hub’s refusals to error classes', async () => {
      const client = newClient();
      const address = email();
      await client.auth.register({ email: address, password });
      const taken = await newClient()
        .auth.register({ email: address, password })
        .catch((e) => e);
      expect(taken).toBeInstanceOf(ConflictError);
      expect(taken).toMatchObject({ status: 409, requestId: expect.any(String) });
      const wrong = await newClient()
        .auth.login({ email: address, password: 'not the password' })
        .catch((e) => e);
      expect(wrong).toBeInstanceOf(AuthenticationError);
      expect(wrong.code).toBe('invalid_credentials');
    });

    it('refreshes after a 401 and retries the call once', async () => {
      const store = memoryTokenStore();
      const client = new HubClient({ baseURL: t.url, auth: { tokenStore: store }, maxRetries: 0 });
      const events: AuthEvent[] = [];
      client.auth.onAuthStateChange((event) => events.push(event));
      const session = await client.auth.register({ email: email(), password });
      // The hub no longer accepts this access token, but the refresh token is good.
      await store.set({ ...session, accessToken: `${session.accessToken}x` });
      await expect(client.me.get()).resolves.toMatchObject({ id: session.user.id });
      expect(events).toEqual(['SIGNED_IN', 'TOKEN_REFRESHED']);
      const refreshed = await client.auth.getSession();
      expect(refreshed?.refreshToken).not.toBe(session.refreshToken);
    });

    it('refreshes before expiry once for many concurrent calls', async () => {
      const store = memoryTokenStore();
      const client = new HubClient({ baseURL: t.url, auth: { tokenStore: store }, maxRetries: 0 });
      const session = await client.auth.register({ email: email(), password });
      let refreshes = 0;
      client.auth.onAuthStateChange((event) => {
        if (event === 'TOKEN_REFRESHED') refreshes++;
      });
      await store.set({ ...session, expiresAt: Date.now() - 1 });
      // Refresh tokens rotate: a second refresh with the same token would fail these calls.
      const users = await Promise.all(Array.from({ length: 5 }, () => client.me.get()));
      expect(users.map((u) => u.id)).toEqual(Array(5).fill(session.user.id));
      expect(refreshes).toBe(1);
    });

    it('signs out when the hub refuses the refresh token', async () => {
      const client = newClient();
      const session = await client.auth.register({ email: email(), password });
      const other = newClient();
      await other.auth.setSession({ ...session, expiresIn: 600 });
      await other.auth.logout(); // revokes the refresh token on the hub
      const events: AuthEvent[] = [];
      client.auth.onAuthStateChange((event) => events.push(event));
      await expect(client.auth.refresh()).rejects.toBeInstanceOf(AuthenticationError);
      expect(events).toEqual(['SIGNED_OUT']);
      expect(await client.auth.getSession()).toBeNull();
    });

    it('lists and revokes sessions, and manages API keys', async () => {
      const address = email();
      const laptop = newClient();
      await laptop.auth.register({ email: address, password });
      const phone = newClient();
      await phone.auth.login({ email: address, password });
      const sessions = await laptop.auth.sessions.list();
      expect(sessions).toHaveLength(2);
      const phoneSession = sessions.find((s) => !s.current)!;
      await laptop.auth.sessions.revoke(phoneSession.id);
      expect((await laptop.auth.sessions.list()).map((s) => s.id)).not.toContain(phoneSession.id);

      const created = await laptop.apiKeys.create({ name: 'server', scopes: ['profile:read'] });
      expect(created.key).toMatch(/^sk-hub-/);
      const viaKey = new HubClient({ baseURL: t.url, apiKey: created.key, maxRetries: 0 });
      await expect(viaKey.me.get()).resolves.toMatchObject({ email: address });
      expect((await laptop.apiKeys.list()).map((k) => k.id)).toContain(created.id);
      await laptop.apiKeys.revoke(created.id);
      await expect(viaKey.me.get()).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('finishes an OAuth sign-in from the landing URL’s fragment', async () => {
      const fixture = await createUser(t);
      const client = newClient();
      expect(client.auth.oauthUrl('github')).toBe(`${t.url}/api/v1/auth/oauth/github`);
      const landing = `https://app.example.test/signed-in#${new URLSearchParams({
        accessToken: fixture.accessToken,
        refreshToken: fixture.refreshToken,
        expiresIn: '900',
      })}`;
      const session = await client.auth.completeOAuth(landing);
      expect(session.user).toMatchObject({ id: fixture.user.id, email: fixture.user.email });
      await expect(client.me.get()).resolves.toMatchObject({ id: fixture.user.id });
      await expect(
        newClient().auth.completeOAuth('https://app.example.test/signed-in'),
      ).rejects.toBeInstanceOf(AuthenticationError);
    });
  });
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOidc, startFakeOidc } from '../../../test/fakes/index.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

const PUBLIC_URL = 'http://hub.test';

for (const dialect of await testDialects()) {
  describe(`OAuth sign-in against a fake provider on ${dialect}`, () => {
    let t: TestHub;
    let idp: FakeOidc;

    beforeAll(async () => {
      idp = await startFakeOidc();
      const dir = mkdtempSync(join(tmpdir(), 'hub-oauth-'));
      const file = join(dir, 'hub.json');
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
            {
              type: 'github',
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
              authorizationUrl: `${idp.url}/login/oauth/authorize`,
              tokenUrl: `${idp.url}/login/oauth/access_token`,
              apiUrl: idp.url,
            },
          ],
        }),
      );
      t = await createTestHub({ dialect, env: { PUBLIC_URL, HUB_CONFIG: file } });
    });
    afterAll(async () => {
      await t?.close();
      await idp?.close();
    });

    /** Starts a sign-in at the hub and lets the provider approve it: the hub callback path + query. */
    async function authorize(provider: string): Promise<{ callback: string; params: URLSearchParams }> {
      const start = await t.app.inject({ url: `/api/v1/auth/oauth/${provider}` });
      expect(start.statusCode).toBe(302);
      const authorizeUrl = new URL(start.headers.location as string);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(
        `${PUBLIC_URL}/api/v1/auth/oauth/${provider}/callback`,
      );
      const approved = await fetch(authorizeUrl, { redirect: 'manual' });
      expect(approved.status).toBe(302);
      const back = new URL(approved.headers.get('location')!);
      return { callback: `${back.pathname}${back.search}`, params: back.searchParams };
    }

    it('signs in through OIDC: creates the user once, then finds them by (provider, subject)', async () => {
      idp.setUser({ sub: 'acme-1', email: 'oidc.user@example.com', email_verified: true, name: 'Oidc User' });
      const first = await t.app.inject({ url: (await authorize('acme')).callback });
      expect(first.statusCode).toBe(200);
      const tokens = first.json();
      expect(tokens.user).toMatchObject({
        email: 'oidc.user@example.com',
        emailVerified: true,
        name: 'Oidc User',
      });
      const me = await t.app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      expect(me.json().id).toBe(tokens.user.id);
      // Same subject, changed email at the provider: still the same hub user.
      idp.setUser({ sub: 'acme-1', email: 'renamed@example.com', email_verified: true });
      const second = await t.app.inject({ url: (await authorize('acme')).callback });
      expect(second.json().user.id).toBe(tokens.user.id);
    });

    it('signs in through the GitHub preset with its verified primary email', async () => {
      idp.setUser({ sub: 'gh-7', email: 'octo@example.com', email_verified: true, name: 'Octo Cat' });
      const res = await t.app.inject({ url: (await authorize('github')).callback });
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ email: 'octo@example.com', emailVerified: true });
    });

    it('refuses a bad, missing or replayed state', async () => {
      idp.setUser({ sub: 'acme-2', email: 'state@example.com', email_verified: true });
      const { callback, params } = await authorize('acme');
      const forged = callback.replace(`state=${params.get('state')}`, 'state=forged-state');
      const bad = await t.app.inject({ url: forged });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/state/);
      const missing = await t.app.inject({
        url: `/api/v1/auth/oauth/acme/callback?code=${params.get('code')}`,
      });
      expect(missing.statusCode).toBe(400);
      expect((await t.app.inject({ url: callback })).statusCode).toBe(200);
      const replayed = await t.app.inject({ url: callback });
      expect(replayed.statusCode).toBe(400);
    });

    it('refuses a code from another sign-in (its PKCE verifier does not match)', async () => {
      idp.setUser({ sub: 'acme-3', email: 'pkce@example.com', email_verified: true });
      const victim = await authorize('acme');
      const attacker = await authorize('acme');
      const injected = `/api/v1/auth/oauth/acme/callback?code=${encodeURIComponent(victim.params.get('code')!)}&state=${attacker.params.get('state')}&iss=${encodeURIComponent(idp.issuer)}`;
      const res = await t.app.inject({ url: injected });
      expect(res.statusCode).toBe(401);
    });

    it('refuses a sign-in whose PKCE verifier is missing, and the provider refuses a code without one', async () => {
      idp.setUser({ sub: 'acme-4', email: 'noverifier@example.com', email_verified: true });
      const { callback, params } = await authorize('acme');
      const key = `auth:oauth:state:${params.get('state')}`;
      const pending = JSON.parse((await t.coordination.cache.get(key))!);
      await t.coordination.cache.set(key, JSON.stringify({ ...pending, codeVerifier: undefined }), 60_000);
      const res = await t.app.inject({ url: callback });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/PKCE verifier/);

      // A stolen code alone is useless: the provider demands the verifier.
      const other = await authorize('acme');
      const exchange = await fetch(`${idp.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: other.params.get('code')!,
          redirect_uri: `${PUBLIC_URL}/api/v1/auth/oauth/acme/callback`,
          client_id: idp.clientId,
          client_secret: idp.clientSecret!,
        }),
      });
      expect(exchange.status).toBe(400);
    });

    it('never takes over an existing account through an email the hub has not verified', async () => {
      await t.hub.services.users.create({
        email: 'squatted@example.com',
        password: 'attacker pass 1',
        emailVerified: false,
      });
      idp.setUser({ sub: 'acme-5', email: 'squatted@example.com', email_verified: true });
      const res = await t.app.inject({ url: (await authorize('acme')).callback });
      expect(res.statusCode).toBe(409);

      const owner = await t.hub.services.users.create({
        email: 'owner@example.com',
        password: 'owner pass 11',
        emailVerified: true,
      });
      idp.setUser({ sub: 'acme-6', email: 'owner@example.com', email_verified: false });
      expect((await t.app.inject({ url: (await authorize('acme')).callback })).statusCode).toBe(409);
      // Verified on both sides: linked to the same account.
      idp.setUser({ sub: 'acme-7', email: 'owner@example.com', email_verified: true });
      const linked = await t.app.inject({ url: (await authorize('acme')).callback });
      expect(linked.statusCode).toBe(200);
      expect(linked.json().user.id).toBe(owner.id);
    });

    it('answers a refusal by the provider and an unknown provider', async () => {
      idp.denyNextAuthorization('access_denied');
      const { callback } = await authorize('acme');
      const res = await t.app.inject({ url: callback });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toMatch(/access_denied/);
      expect((await t.app.inject({ url: '/api/v1/auth/oauth/nowhere' })).statusCode).toBe(404);
    });
  });
}

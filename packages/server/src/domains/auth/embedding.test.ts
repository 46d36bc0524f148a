import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOidc, startFakeOidc } from '../../../test/fakes/index.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { loadConfig } from '../../config/load-config.js';
import { createHub } from '../../hub/create-hub.js';
import type { HostUser } from './host-auth.js';

for (const dialect of await testDialects()) {
  describe(`a host Fastify app hands its users to the hub on ${dialect}`, () => {
    let host: FastifyInstance;
    let drop: () => Promise<void>;
    // The host's own sign-in: a session cookie it issued earlier.
    const hostSessions = new Map<string, HostUser>([
      ['s-alice', { id: 'host-alice', email: 'alice@host.example', name: 'Alice', role: 'user' }],
      ['s-root', { id: 'host-root', email: 'root@host.example', role: 'admin' }],
    ]);

    beforeAll(async () => {
      const database = await createTestDatabase(dialect);
      const coordination = createMemoryCoordination();
      host = Fastify();
      host.get('/host/whoami', async (request) => ({ session: request.headers.cookie ?? null }));
      await host.register(
        createHub({
          config: loadConfig({
            NODE_ENV: 'test',
            HUB_SECRET: 's'.repeat(40),
            LOG_LEVEL: 'silent',
            DATABASE_URL: database.url,
          }),
          database,
          coordination,
          authenticate: (request) => {
            const sid = /(?:^|;\s*)host_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
            return (sid && hostSessions.get(sid)) || null;
          },
        }),
        { prefix: '/ai' },
      );
      await host.ready();
      drop = async () => {
        await host.close();
        await coordination.close();
        await database.drop();
      };
    });
    afterAll(() => drop?.());

    it('creates the hub user on first sight with the role the host gives, and finds them after', async () => {
      const first = await host.inject({ url: '/ai/api/v1/me', headers: { cookie: 'host_session=s-alice' } });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({
        email: 'alice@host.example',
        role: 'user',
        name: 'Alice',
        emailVerified: true,
      });
      const again = await host.inject({ url: '/ai/api/v1/me', headers: { cookie: 'host_session=s-alice' } });
      expect(again.json().id).toBe(first.json().id);
      const root = await host.inject({
        url: '/ai/api/v1/admin/users',
        headers: { cookie: 'host_session=s-root' },
      });
      expect(root.statusCode).toBe(200);
      const alice = await host.inject({
        url: '/ai/api/v1/admin/users',
        headers: { cookie: 'host_session=s-alice' },
      });
      expect(alice.statusCode).toBe(403);
    });

    it('refuses a request the host does not recognise, and leaves host routes alone', async () => {
      expect((await host.inject({ url: '/ai/api/v1/me' })).statusCode).toBe(401);
      expect(
        (await host.inject({ url: '/ai/api/v1/me', headers: { cookie: 'host_session=nope' } })).statusCode,
      ).toBe(401);
      expect((await host.inject({ url: '/host/whoami' })).json()).toEqual({ session: null });
    });

    it('lets a host user make an API key for their servers', async () => {
      const created = await host.inject({
        method: 'POST',
        url: '/ai/api/v1/api-keys',
        headers: { cookie: 'host_session=s-alice' },
        // Reading the profile is not among a key's default scopes.
        payload: { name: 'backend', scopes: ['profile:read'] },
      });
      expect(created.statusCode).toBe(201);
      const me = await host.inject({
        url: '/ai/api/v1/me',
        headers: { authorization: `Bearer ${created.json().key}` },
      });
      expect(me.json().email).toBe('alice@host.example');
    });
  });

  describe(`the hub trusts tokens of the host's OIDC issuer on ${dialect}`, () => {
    let t: TestHub;
    let idp: FakeOidc;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      idp = await startFakeOidc();
      t = await createTestHub({
        dialect,
        env: { HUB_OIDC_ISSUER: idp.issuer, HUB_OIDC_AUDIENCE: 'hub-api' },
      });
    });
    afterAll(async () => {
      await t?.close();
      await idp?.close();
    });

    it('accepts a token signed by the issuer (JWKS found by discovery) and maps its subject to one user', async () => {
      const token = await idp.mintAccessToken({
        sub: 'emp-42',
        aud: 'hub-api',
        email: 'emp42@corp.example',
        email_verified: true,
      });
      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(token) });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ email: 'emp42@corp.example', role: 'user' });
      const again = await t.app.inject({
        url: '/api/v1/me',
        headers: bearer(await idp.mintAccessToken({ sub: 'emp-42', aud: 'hub-api' })),
      });
      expect(again.json().id).toBe(me.json().id);
    });

    it('refuses forged, mis-addressed and expired issuer tokens', async () => {
      const bad = [
        await idp.mintAccessToken({ sub: 'emp-1', aud: 'hub-api' }, { signWith: 'foreign' }),
        await idp.mintAccessToken({ sub: 'emp-1', aud: 'someone-else' }),
        await idp.mintAccessToken({ sub: 'emp-1', aud: 'hub-api', exp: Math.floor(Date.now() / 1000) - 600 }),
        await idp.mintAccessToken({ sub: 'emp-1', aud: 'hub-api' }, { kid: 'unknown-kid' }),
      ];
      for (const token of bad) {
        expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(401);
      }
    });
  });
}

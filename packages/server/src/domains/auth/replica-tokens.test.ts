import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Coordination, createMemoryCoordination, createRedisCoordination } from '@smart-ai-hub/adapters';
import {
  createTestDatabase,
  deleteKeysWithPrefix,
  redisUrlForTests,
  type TestDatabase,
  testDialects,
} from '@smart-ai-hub/adapters/testing';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/support/auth-fixtures.js';
import { loadConfig } from '../../config/load-config.js';
import { buildHubApp } from '../../hub/build-app.js';
import { HUB_AUDIENCE, HUB_ISSUER } from './access-tokens.js';

interface Replica {
  app: FastifyInstance;
  url: string;
  coordination: Coordination;
}

/**
 * Two replicas of one installation: the same database (a SQLite file, or one PostgreSQL database)
 * and data folder, each with its own connections, port and `PUBLIC_URL`, and no `HUB_SECRET`:
 * the master secret is the generated one they share (file on SQLite, database on PostgreSQL).
 */
for (const dialect of await testDialects()) {
  const coordinationKind = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`access tokens across replicas (${dialect} + ${coordinationKind})`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-replicas-'));
    const keyPrefix = `test:${randomUUID()}:`;
    let database: TestDatabase | undefined;
    let databaseUrl: string;
    const replicas: Replica[] = [];

    async function startReplica(publicUrl: string): Promise<Replica> {
      const coordination =
        coordinationKind === 'redis'
          ? createRedisCoordination({ url: redisUrlForTests, keyPrefix })
          : createMemoryCoordination();
      const config = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HUB_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        PUBLIC_URL: publicUrl,
      });
      const app = await buildHubApp({ config, coordination, defaultMetrics: false });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const replica = { app, url, coordination };
      replicas.push(replica);
      return replica;
    }

    let a: Replica;
    let b: Replica;
    beforeAll(async () => {
      if (dialect === 'postgres') {
        database = await createTestDatabase('postgres');
        databaseUrl = database.url;
      } else {
        databaseUrl = join(dataDir, 'hub.db');
      }
      a = await startReplica('https://a.hub.example');
      b = await startReplica('https://b.hub.example:8443');
    });
    afterAll(async () => {
      for (const replica of replicas) {
        await replica.app.close();
        await replica.coordination.close();
      }
      if (coordinationKind === 'redis') {
        const { default: Redis } = await import('ioredis');
        const redis = new Redis(redisUrlForTests);
        await deleteKeysWithPrefix(redis, keyPrefix);
        redis.disconnect();
      }
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const me = (replica: Replica, token: string) =>
      fetch(`${replica.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

    it('runs two replicas on different ports and public URLs', () => {
      expect(a.url).not.toBe(b.url);
      expect(a.app.hub.config.publicUrl).not.toBe(b.app.hub.config.publicUrl);
    });

    it('accepts on each replica the access tokens the other signed', async () => {
      const user = await createUser(a.app.hub);
      expect(decodeJwt(user.accessToken)).toMatchObject({ iss: HUB_ISSUER, aud: HUB_AUDIENCE });
      const onB = await me(b, user.accessToken);
      expect(onB.status).toBe(200);
      expect((await onB.json()).id).toBe(user.user.id);

      const login = await fetch(`${b.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.user.email, password: user.password }),
      });
      expect(login.status).toBe(200);
      const fromB = (await login.json()) as { accessToken: string; refreshToken: string };
      const onA = await me(a, fromB.accessToken);
      expect(onA.status).toBe(200);
      expect((await onA.json()).id).toBe(user.user.id);

      // A session signed in on B refreshes on A, and the new token works on B.
      const refresh = await fetch(`${a.url}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: fromB.refreshToken }),
      });
      expect(refresh.status).toBe(200);
      expect((await me(b, ((await refresh.json()) as { accessToken: string }).accessToken)).status).toBe(200);
    });

    it('still accepts, on the replica that signed it, a token of the old format naming its own URL', async () => {
      const user = await createUser(a.app.hub);
      const now = Math.floor(Date.now() / 1000);
      const legacy = await new SignJWT({ token_use: 'access', sid: user.sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.user.id)
        .setIssuer(a.app.hub.config.publicUrl)
        .setAudience(HUB_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(a.app.hub.secret.deriveKey('jwt'));
      expect((await me(a, legacy)).status).toBe(200);
      const forged = await new SignJWT({ token_use: 'access', sid: user.sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.user.id)
        .setIssuer(HUB_ISSUER)
        .setAudience(HUB_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(new TextEncoder().encode('not-the-shared-secret-not-the-shared-secret'));
      expect((await me(a, forged)).status).toBe(401);
      expect((await me(b, forged)).status).toBe(401);
    });
  });
}

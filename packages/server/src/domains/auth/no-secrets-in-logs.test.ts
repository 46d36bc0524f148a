import { Writable } from 'node:stream';
import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase } from '@smart-ai-hub/adapters/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { loggerOptions } from '../../hub/build-app.js';
import { createHub } from '../../hub/create-hub.js';

describe('secrets in logs', () => {
  it('never logs a password, token, key or hash, even at trace level', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const database = await createTestDatabase('sqlite');
    const coordination = createMemoryCoordination();
    const app = Fastify({ logger: { ...(loggerOptions('trace') as object), stream } });
    await app.register(
      createHub({
        config: loadConfig({
          NODE_ENV: 'test',
          HUB_SECRET: 's'.repeat(40),
          DATABASE_URL: ':memory:',
          LOG_LEVEL: 'trace',
        }),
        database,
        coordination,
      }),
    );
    await app.ready();
    try {
      const password = 'a very secret passphrase 7';
      const reg = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: 'logs@example.com', password },
      });
      const { accessToken, refreshToken } = reg.json();
      const headers = { authorization: `Bearer ${accessToken}` };
      const key = (
        await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name: 'k' } })
      ).json().key as string;
      await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
      await app.inject({ url: '/api/v1/me', headers: { 'x-api-key': key } });
      const next = (
        await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } })
      ).json();
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'logs@example.com', password },
      });
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'logs@example.com', password: `${password}x` },
      });
      await app.inject({ url: `/api/v1/me?token=${accessToken}`, headers });
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        payload: { refreshToken: next.refreshToken },
      });

      const hashes = await database.db.selectFrom('api_keys').select('key_hash').execute();
      const pwHash = (await database.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow())
        .password_hash!;
      const log = lines.join('');
      expect(lines.length).toBeGreaterThan(10);
      for (const secret of [
        password,
        accessToken,
        refreshToken,
        next.refreshToken,
        next.accessToken,
        key,
        pwHash,
        ...hashes.map((h) => h.key_hash),
      ]) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await app.close();
      await coordination.close();
      await database.drop();
    }
  });
});

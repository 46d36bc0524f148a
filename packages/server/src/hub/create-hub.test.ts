import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../../test/support/test-hub.js';
import { loadConfig } from '../config/load-config.js';
import { createHub } from './create-hub.js';

for (const dialect of await testDialects()) {
  describe(`the hub skeleton on ${dialect}`, () => {
    let t: TestHub;
    beforeAll(async () => {
      t = await createTestHub({ dialect });
    });
    afterAll(() => t?.close());

    it('answers /healthz and /readyz', async () => {
      const health = await t.app.inject('/healthz');
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await t.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', coordination: 'ok' } });
    });

    it('puts a request id in every response, keeping a sane incoming one', async () => {
      const generated = await t.app.inject('/healthz');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
      expect(kept.headers['x-request-id']).toBe('trace-123');
      const replaced = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\n' } });
      expect(replaced.headers['x-request-id']).not.toBe('bad id\n');
    });

    it('serves Prometheus metrics that count the requests answered', async () => {
      await t.app.inject('/healthz');
      const res = await t.app.inject('/metrics');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toMatch(
        /hub_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/,
      );
    });

    it('serves its OpenAPI document at /docs', async () => {
      const res = await t.app.inject('/docs');
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    });

    it('answers an unknown route with the error envelope', async () => {
      const res = await t.app.inject({ url: '/nope?x=1', headers: { 'x-request-id': 'r-404' } });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: { code: 'not_found', message: 'No route GET /nope', requestId: 'r-404' },
      });
    });
  });
}

describe('CORS', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub({ env: { CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' } });
  });
  afterAll(() => t?.close());

  it('answers a preflight from an allowed origin, exposing the hub headers', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/credits',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const get = await t.app.inject({ url: '/healthz', headers: { origin: 'https://app.example.com' } });
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(get.headers['access-control-expose-headers']).toContain('x-hub-cost');
  });

  it('gives no CORS grant to other origins', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { origin: 'https://evil.example.com' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('readiness', () => {
  it('reports 503 naming the store that is down', async () => {
    const database = await createTestDatabase('sqlite');
    const coordination = createMemoryCoordination();
    const app = Fastify();
    await app.register(
      createHub({
        config: loadConfig({ HUB_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' }),
        database,
        coordination,
      }),
    );
    await app.ready();
    await database.close();
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { database: 'down', coordination: 'ok' } });
    await app.close();
    await coordination.close();
  });
});

describe('embedding', () => {
  it('registers inside a host Fastify app beside the host routes, without touching them', async () => {
    const database = await createTestDatabase('sqlite');
    const coordination = createMemoryCoordination();
    const host = Fastify();
    host.setErrorHandler((_error, _request, reply) => reply.code(418).send({ host: 'error' }));
    host.get('/host/hello', async () => ({ hello: 'from host' }));
    host.get('/host/boom', async () => {
      throw new Error('host error');
    });
    await host.register(
      createHub({
        config: loadConfig({ HUB_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' }),
        database,
        coordination,
      }),
      { prefix: '/ai' },
    );
    await host.ready();
    try {
      expect((await host.inject('/host/hello')).json()).toEqual({ hello: 'from host' });
      // The host's error handler still rules the host's routes...
      expect((await host.inject('/host/boom')).statusCode).toBe(418);
      // ...and the hub's envelope rules the hub's.
      expect((await host.inject('/ai/healthz')).json()).toEqual({ status: 'ok' });
      const missing = await host.inject('/ai/nowhere');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('not_found');
      expect(host.hub.database).toBe(database);
    } finally {
      await host.close();
      await database.drop();
      await coordination.close();
    }
  });
});

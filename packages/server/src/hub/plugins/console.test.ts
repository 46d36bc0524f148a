import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryCoordination } from '@smart-ai-hub/adapters';
import { createTestDatabase } from '@smart-ai-hub/adapters/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLog } from '../../../test/support/captured-log.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { loadConfig } from '../../config/load-config.js';
import { createHub } from '../create-hub.js';
import { NOT_CONSOLE_PATHS } from './console.js';

/** A built console as Vite lays it out: `index.html` and hashed files under `assets/`. */
function builtConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><title>Smart AI Hub</title><script type="module" src="./assets/index-AbC123.js"></script></head><body></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("console")');
  return dir;
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the web console served by the appliance', () => {
  const dir = builtConsole();
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub({ console: { dir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / (no-cache) with a base for its relative asset URLs', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<head><base href="/">');
  });

  it('serves hashed assets cached for a year, and a missing one as the API 404', async () => {
    const res = await t.app.inject({ url: '/assets/index-AbC123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.app.inject({ url: '/assets/gone-XyZ.js', headers: html });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('answers client routes (the links of the mails) with the page', async () => {
    for (const url of ['/verify-email?token=abc', '/reset-password?token=abc', '/admin/users/u1', '/keys']) {
      const res = await t.app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<base href="/">');
    }
  });

  it('never answers the API and operations paths with the page, even for a browser', async () => {
    for (const prefix of NOT_CONSOLE_PATHS) {
      const res = await t.app.inject({ url: `${prefix}/no-such-thing`, headers: html });
      expect(res.statusCode, prefix).toBe(404);
      expect(res.json().error.code, prefix).toBe('not_found');
    }
    const health = await t.app.inject({ url: '/healthz', headers: html });
    expect(health.json()).toMatchObject({ status: 'ok' });
  });

  it('answers a non-browser client on an unknown path with the 404 envelope', async () => {
    const res = await t.app.inject({ url: '/no-such-page', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

describe('where the console is not served', () => {
  it('HUB_CONSOLE=off: an API-only appliance', async () => {
    const dir = builtConsole();
    const t = await createTestHub({ env: { HUB_CONSOLE: 'off' } });
    try {
      expect((await t.app.inject({ url: '/', headers: html })).statusCode).toBe(404);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a console that was never built: one log line saying how to build it, and nothing at /', async () => {
    const log = capturedLog('info');
    const empty = mkdtempSync(join(tmpdir(), 'console-unbuilt-'));
    const t = await createTestHub({ console: { dir: empty }, logger: log.logger });
    try {
      expect((await t.app.inject({ url: '/', headers: html })).statusCode).toBe(404);
      const lines = log.find(/web console not built/);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.msg).toMatch(/pnpm build/);
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an embedded hub serves no console unless asked, and under its prefix when asked', async () => {
    const dir = builtConsole();
    const database = await createTestDatabase('sqlite');
    const coordination = createMemoryCoordination();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HUB_SECRET: 's'.repeat(40),
      DATABASE_URL: database.url,
    });
    const host = Fastify();
    host.get('/', async () => 'the host app');
    await host.register(createHub({ config, database, coordination, console: { dir } }), { prefix: '/ai' });
    try {
      expect((await host.inject({ url: '/' })).body).toBe('the host app');
      const page = await host.inject({ url: '/ai/playground', headers: html });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<base href="/ai/">');
      expect((await host.inject({ url: '/ai/assets/index-AbC123.js' })).statusCode).toBe(200);
      expect((await host.inject({ url: '/ai/api/nope', headers: html })).statusCode).toBe(404);
    } finally {
      await host.close();
      await coordination.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { CORS_METHODS } from './cors.js';

/** Debian's chromium (`apt-get install -y chromium`; `.ci/run` installs it when absent). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A web app's origin: one blank page on a port of its own. */
async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>web app</title></head><body></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface BrowserAnswer {
  ok: boolean;
  status?: number;
  requestId?: string | null;
  body?: unknown;
  failure?: string;
}

/** `fetch` run by the page's own script, so the browser applies CORS exactly as for a web app. */
function fetchFromPage(
  page: Page,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) {
  return page.evaluate(
    async ({ url, init }): Promise<BrowserAnswer> => {
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        return {
          ok: res.ok,
          status: res.status,
          requestId: res.headers.get('x-request-id'),
          body: text ? JSON.parse(text) : null,
        };
      } catch (error) {
        return { ok: false, failure: String(error) };
      }
    },
    { url, init },
  );
}

describe('CORS preflights', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => t?.close());

  it.each(['PATCH', 'PUT', 'DELETE'])('allows %s with the headers the SDK sends', async (method) => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/api-keys/key_1',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,idempotency-key,x-hub-end-user',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(CORS_METHODS);
    expect(res.headers['access-control-allow-headers']).toBe(
      'authorization,content-type,idempotency-key,x-hub-end-user',
    );
  });
});

const haveChromium = existsSync(CHROMIUM);
// Skipped only on a developer's machine without chromium: CI must have it (`.ci/run` installs it).
describe.skipIf(!haveChromium && !process.env.CI)('CORS in Chromium', () => {
  let t: TestHub & { url: string };
  let app: Awaited<ReturnType<typeof startPageServer>>;
  let stranger: Awaited<ReturnType<typeof startPageServer>>;
  let browser: Browser;
  let user: TestUser;

  beforeAll(async () => {
    app = await startPageServer();
    stranger = await startPageServer();
    t = await createTestHub({ listen: true, env: { CORS_ORIGINS: `https://other.example, ${app.origin}` } });
    user = await createUser(t);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await app?.close();
    await stranger?.close();
  });

  async function pageAt(origin: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    return page;
  }

  const auth = () => ({ authorization: `Bearer ${user.accessToken}` });
  const json = { 'content-type': 'application/json' };

  it('lets an allowed origin PATCH, PUT and DELETE with credentials, and read the hub headers', async () => {
    const page = await pageAt(app.origin);
    const patch = await fetchFromPage(page, `${t.url}/api/v1/me`, {
      method: 'PATCH',
      headers: { ...auth(), ...json },
      body: JSON.stringify({ name: 'From the browser' }),
    });
    expect(patch).toMatchObject({ ok: true, status: 200, body: { name: 'From the browser' } });
    expect(patch.requestId).toBeTruthy();

    const put = await fetchFromPage(page, `${t.url}/api/v1/notifications/preferences`, {
      method: 'PUT',
      headers: { ...auth(), ...json, 'idempotency-key': 'browser-put-1' },
      body: JSON.stringify({}),
    });
    expect(put).toMatchObject({ ok: true, status: 200 });

    const revoke = await fetchFromPage(page, `${t.url}/api/v1/api-keys/${user.apiKeyId}`, {
      method: 'DELETE',
      headers: auth(),
    });
    expect(revoke).toMatchObject({ ok: true, status: 204 });
    const withRevokedKey = await t.app.inject({
      url: '/api/v1/credits',
      headers: { authorization: `Bearer ${user.apiKey}` },
    });
    expect(withRevokedKey.statusCode).toBe(401);
    await page.close();
  });

  it('refuses an origin that is not in CORS_ORIGINS: the browser never sends the DELETE', async () => {
    const other = await createUser(t);
    const page = await pageAt(stranger.origin);
    const revoke = await fetchFromPage(page, `${t.url}/api/v1/api-keys/${other.apiKeyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(revoke.ok).toBe(false);
    expect(revoke.failure).toMatch(/Failed to fetch/);
    const read = await fetchFromPage(page, `${t.url}/api/v1/me`, {
      method: 'GET',
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(read.failure).toMatch(/Failed to fetch/);
    const stillValid = await t.app.inject({
      url: '/api/v1/credits',
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(stillValid.statusCode).toBe(200);
    await page.close();
  });
});

#!/usr/bin/env node
// Starts the *built* appliance (packages/server/dist, as `npx smart-ai-hub serve` and the Docker
// image run it) on a fresh SQLite file, checks /healthz, /readyz, the web console at / and a
// metered chat with the mock model, then stops it with SIGTERM. The test suite runs from sources;
// this proves the build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'hub-smoke-'));
const port = await new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const hub = spawn(process.execPath, ['packages/server/dist/cli/main.js', 'serve'], {
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HUB_DATA_DIR: dir,
    DATABASE_URL: join(dir, 'hub.db'),
    HUB_ADMIN_EMAIL: 'smoke@example.com',
    HUB_ADMIN_PASSWORD: 'a long smoke-test passphrase',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
hub.stdout.on('data', (d) => (output += d));
hub.stderr.on('data', (d) => (output += d));
const exited = new Promise((resolve) => hub.on('exit', (code) => resolve(code)));

async function check() {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    if (i > 100 || hub.exitCode !== null) throw new Error('the built hub did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const ready = await (await fetch(`${base}/readyz`)).json();
  if (ready.status !== 'ready') throw new Error(`/readyz: ${JSON.stringify(ready)}`);
  const page = await fetch(`${base}/verify-email?token=smoke`, { headers: { accept: 'text/html' } });
  const html = await page.text();
  const script = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
  if (!page.ok || !html.includes('<base href="/">') || !script) {
    throw new Error(`the console is not served at /: ${page.status} ${html.slice(0, 200)}`);
  }
  const asset = await fetch(`${base}/${script}`);
  if (!asset.ok || !asset.headers.get('cache-control')?.includes('immutable')) {
    throw new Error(`console asset ${script}: ${asset.status} ${asset.headers.get('cache-control')}`);
  }
  const json = { 'content-type': 'application/json' };
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email: 'smoke@example.com', password: 'a long smoke-test passphrase' }),
  });
  const { user, accessToken } = await login.json();
  const auth = { ...json, authorization: `Bearer ${accessToken}` };
  const grant = await fetch(`${base}/api/v1/admin/users/${user.id}/credits`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': 'smoke' },
    body: JSON.stringify({ amount: 1 }),
  });
  if (!grant.ok) throw new Error(`grant: ${grant.status} ${await grant.text()}`);
  const chat = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hello' }] }),
  });
  const answer = await chat.json();
  if (!chat.ok || !answer.choices?.[0]?.message?.content || !(Number(chat.headers.get('x-hub-cost')) > 0)) {
    throw new Error(`chat: ${chat.status} ${JSON.stringify(answer)}`);
  }
  console.log(`built hub: ready, console at /, chat charged ${chat.headers.get('x-hub-cost')} credits`);
}

let failure;
try {
  await check();
} catch (error) {
  failure = error;
}
hub.kill('SIGTERM');
const code = await exited;
rmSync(dir, { recursive: true, force: true });
if (failure || code !== 0) {
  console.error(output);
  console.error(failure ?? `the built hub exited with ${code} on SIGTERM`);
  process.exit(1);
}
console.log('built hub: shut down cleanly');

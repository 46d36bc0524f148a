import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@smart-ai-hub/adapters';
import {
  createTestDatabase,
  postgresAvailable,
  redisAvailable,
  redisUrlForTests,
} from '@smart-ai-hub/adapters/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

const SERVER_DIR = join(import.meta.dirname, '..', '..');

function cli(args: string[], env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', ...args],
    {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', HUB_PASSWORD_HASH_COST: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the hub exited with ${child.exitCode}`);
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

function freshEnv() {
  const dir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
  return { dir, env: { HUB_DATA_DIR: dir, DATABASE_URL: join(dir, 'hub.db') } };
}

describe('smart-ai-hub CLI', () => {
  it('migrate applies the schema once, then reports it up to date', async () => {
    const { env } = freshEnv();
    const first = cli(['migrate'], env);
    expect(await first.exited).toBe(0);
    expect(first.output().stdout).toMatch(/Applied \d+ migration\(s\): 0001-initial/);
    const second = cli(['migrate'], env);
    expect(await second.exited).toBe(0);
    expect(second.output().stdout).toMatch(/Database is up to date/);
  });

  it('serve answers /healthz and /readyz on SQLite, then shuts down cleanly on SIGTERM', async () => {
    const { env } = freshEnv();
    const port = await freePort();
    const hub = cli(['serve'], { ...env, PORT: String(port) });
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/healthz`, hub.child);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
    } finally {
      hub.child.kill('SIGTERM');
    }
    expect(await hub.exited).toBe(0);
    expect(hub.output().stdout).toContain('shut down cleanly');
  });

  it('on SIGTERM finishes a stream in flight, refuses new connections, then exits', async () => {
    const { dir, env } = freshEnv();
    const hubConfig = join(dir, 'hub.json');
    writeFileSync(
      hubConfig,
      JSON.stringify({
        models: {
          models: [
            {
              id: 'slow-mock',
              inputPrice: 1,
              outputPrice: 1,
              deployments: [{ id: 'slow', provider: 'mock', mock: { words: 40, chunkDelayMs: 100 } }],
            },
          ],
        },
      }),
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let signalled = false;
    const hub = cli(['serve'], {
      ...env,
      PORT: String(port),
      HUB_CONFIG: hubConfig,
      HUB_ADMIN_EMAIL: 'ops@example.com',
      HUB_ADMIN_PASSWORD: 'a long admin passphrase 42',
    });
    try {
      await waitFor(`${base}/healthz`, hub.child);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.com', password: 'a long admin passphrase 42' }),
      });
      const { user, accessToken } = (await login.json()) as { user: { id: string }; accessToken: string };
      const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
      const grant = await fetch(`${base}/api/v1/admin/users/${user.id}/credits`, {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': 'shutdown-test' },
        body: JSON.stringify({ amount: 10 }),
      });
      expect(grant.ok).toBe(true);

      const stream = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          model: 'slow-mock',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      const reader = stream.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      hub.child.kill('SIGTERM');
      signalled = true;
      // The server stops accepting at once...
      await expect(
        (async () => {
          // The stream runs 4 s; the hub stops accepting long before it ends.
          for (let i = 0; i < 150; i++) {
            await fetch(`${base}/healthz`, { headers: { connection: 'close' } });
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
      ).rejects.toThrow();
      // ...while the stream in flight runs to its end.
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      expect(text).toContain('data: [DONE]');
      expect(text.match(/"content":"[^"]+"/g)?.length).toBe(40);
    } finally {
      if (!signalled) hub.child.kill('SIGTERM');
    }
    expect(await hub.exited).toBe(0);
    expect(hub.output().stdout).toContain('shut down cleanly');
  });

  it('refuses to start on a database migrated by newer code, saying so', async () => {
    const { env } = freshEnv();
    const database = await createDatabase(env.DATABASE_URL);
    await database.migrate();
    await sql`insert into hub_migrations (name, timestamp) values ('9000-future', 'now')`.execute(
      database.db,
    );
    await database.close();
    const hub = cli(['serve'], { ...env, PORT: String(await freePort()) });
    expect(await hub.exited).toBe(1);
    expect(hub.output().stderr + hub.output().stdout).toMatch(
      /migrated by a newer version of Smart AI Hub.*9000-future/,
    );
  });

  it('stops on a bad variable with a message naming it', async () => {
    const { env } = freshEnv();
    const hub = cli(['serve'], { ...env, PORT: 'eighty' });
    expect(await hub.exited).toBe(1);
    expect(hub.output().stderr).toMatch(/PORT: /);
  });

  it('prints usage for an unknown command', async () => {
    const run = cli(['frobnicate'], {});
    expect(await run.exited).toBe(2);
    expect(run.output().stdout).toMatch(/Usage: smart-ai-hub <command>/);
  });
});

describe.runIf((await postgresAvailable()) && (await redisAvailable()))(
  'smart-ai-hub on PostgreSQL + Redis',
  () => {
    it('starts with DATABASE_URL and REDIS_URL alone (plus a key prefix to keep test runs apart)', async () => {
      const database = await createTestDatabase('postgres');
      const port = await freePort();
      const prefix = `test:${randomUUID()}:`;
      // A fresh database: the hub migrates it and generates the shared secret in it.
      await database.close();
      const { dir } = freshEnv();
      const hub = cli(['serve'], {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrlForTests,
        REDIS_KEY_PREFIX: prefix,
        PORT: String(port),
        HUB_DATA_DIR: dir,
      });
      try {
        await waitFor(`http://127.0.0.1:${port}/healthz`, hub.child);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(await ready.json()).toEqual({
          status: 'ready',
          checks: { database: 'ok', coordination: 'ok' },
        });
        const register = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'pg@example.com', password: 'a long enough passphrase 7' }),
        });
        expect(register.status).toBe(201);
      } finally {
        hub.child.kill('SIGTERM');
      }
      expect(await hub.exited).toBe(0);
      expect(hub.output().stdout).toContain('"source":"database"');
      await database.drop();
    });
  },
);

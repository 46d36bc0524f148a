import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@smart-ai-hub/adapters';
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

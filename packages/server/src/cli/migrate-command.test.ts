import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_DIR = join(import.meta.dirname, '..', '..');

/** Runs the CLI from source; resolves its exit code and output. `until` ends it with SIGTERM once it holds. */
function cli(args: string[], env: Record<string, string>, until?: (stdout: string) => Promise<boolean>) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', ...args],
    {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', HUB_PASSWORD_HASH_COST: 'test', ...env },
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
  return (async () => {
    if (until) {
      const deadline = Date.now() + 120_000;
      try {
        while (child.exitCode === null && Date.now() < deadline && !(await until(stdout))) {
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        child.kill('SIGTERM');
      }
    }
    return { code: await exited, stdout, stderr };
  })();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const FIRST_ADMIN_BOX = /the first admin was created/;

for (const dialect of await testDialects()) {
  describe(`smart-ai-hub migrate --first-admin on ${dialect}`, () => {
    let dir: string;
    let database: TestDatabase | undefined;
    let env: Record<string, string>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hub-migrate-'));
      if (dialect === 'postgres') database = await createTestDatabase('postgres', { migrate: false });
      env = { HUB_DATA_DIR: dir, DATABASE_URL: database?.url ?? join(dir, 'hub.db') };
    });
    afterAll(async () => {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('migrates and prints a generated first admin once; later runs and the replicas print none', {
      timeout: 180_000,
    }, async () => {
      const first = await cli(['migrate', '--first-admin'], env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ migration\(s\): 0001-initial/);
      expect(first.stdout).toMatch(FIRST_ADMIN_BOX);
      const email = /email: +(\S+)/.exec(first.stdout)?.[1];
      const password = /password: +(\S+)/.exec(first.stdout)?.[1];
      expect(email).toBeTruthy();
      expect(password).toBeTruthy();

      const again = await cli(['migrate', '--first-admin'], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/Database is up to date/);
      expect(again.stdout).toMatch(/First admin: already present/);
      expect(again.stdout).not.toMatch(FIRST_ADMIN_BOX);
      expect(again.stdout).not.toContain(password);

      // A replica started after the step: it migrates nothing, creates no admin, and the printed
      // password signs the admin in.
      const port = await freePort();
      let login: Response | undefined;
      const replica = await cli(['serve'], { ...env, PORT: String(port) }, async () => {
        try {
          login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          });
          return true;
        } catch {
          return false;
        }
      });
      expect(replica.code).toBe(0);
      expect(login?.status).toBe(200);
      const signedIn = (await login!.json()) as { user: { role: string } };
      expect(signedIn.user.role).toBe('admin');
      expect(replica.stdout).not.toMatch(FIRST_ADMIN_BOX);
    });
  });
}

describe('smart-ai-hub migrate --first-admin with HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD', () => {
  it('creates that admin and prints no password', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-migrate-'));
    try {
      const configured = 'a configured admin passphrase';
      const run = await cli(['migrate', '--first-admin'], {
        HUB_DATA_DIR: dir,
        DATABASE_URL: join(dir, 'hub.db'),
        HUB_ADMIN_EMAIL: 'ops@example.com',
        HUB_ADMIN_PASSWORD: configured,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/First admin: created from HUB_ADMIN_EMAIL/);
      expect(run.stdout).not.toMatch(FIRST_ADMIN_BOX);
      expect(run.stdout).not.toContain(configured);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without the flag, migrates only', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-migrate-'));
    try {
      const run = await cli(['migrate'], { HUB_DATA_DIR: dir, DATABASE_URL: join(dir, 'hub.db') });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(/First admin|the first admin/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

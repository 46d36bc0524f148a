import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './deploy-files.js';

// The image runs the built hub as uid 1000 on a read-only root file system with only /data
// writable (docker run --read-only, Kubernetes readOnlyRootFilesystem). No Docker engine runs here,
// so this recreates that with the kernel's own means: a mount namespace in which `/` is read-only
// and the data folder a fresh tmpfs, and the hub started as uid 1000 inside it. Needs root (as CI
// and the project's machines have); elsewhere it runs only where it can, as the database suites do.
const canIsolate = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'true']);
    return true;
  } catch {
    return false;
  }
})();
if (!canIsolate && process.env.CI)
  throw new Error('CI must run the read-only appliance test: it needs root and unshare');

const UID = 1000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.runIf(canIsolate)('the built appliance on a read-only root, as uid 1000', () => {
  const admin = { email: 'ro@example.com', password: 'a long read-only passphrase' };
  let dir: string;
  let port: number;
  let hub: ReturnType<typeof spawn>;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-ro-'));
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    mkdirSync(data);
    port = await freePort();
    const env = [
      'NODE_ENV=production',
      'HOST=127.0.0.1',
      `PORT=${port}`,
      `DATABASE_URL=${join(data, 'hub.db')}`,
      `HUB_DATA_DIR=${data}`,
      `HUB_ADMIN_EMAIL=${admin.email}`,
      `HUB_ADMIN_PASSWORD=${admin.password}`,
      'HUB_PASSWORD_HASH_COST=test',
      'LOG_LEVEL=info',
    ];
    // unshare and setpriv exec (no fork): the child's pid is the hub's.
    const script = [
      'mount -o remount,bind,ro /',
      `mount -t tmpfs -o size=64m,mode=0700,uid=${UID},gid=${UID} tmpfs "$1"`,
      `exec setpriv --reuid=${UID} --regid=${UID} --clear-groups env -i ${env.map((e) => `'${e}'`).join(' ')} "$2" packages/server/dist/cli/main.js serve`,
    ].join(' && ');
    hub = spawn(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', data, process.execPath],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    hub.stdout!.on('data', (d) => {
      output += d;
    });
    hub.stderr!.on('data', (d) => {
      output += d;
    });
    exited = new Promise((resolve) => hub.on('exit', (code) => resolve(code)));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {}
      if (hub.exitCode !== null || i > 600) throw new Error(`the hub did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (hub?.exitCode === null) hub.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as uid 1000, not root', () => {
    const status = readFileSync(`/proc/${hub.pid}/status`, 'utf8');
    expect(/^Uid:\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1, 3)).toEqual([String(UID), String(UID)]);
  });

  it('is ready, signs in, and meters a chat, writing only to its data folder', async () => {
    const base = `http://127.0.0.1:${port}`;
    expect((await (await fetch(`${base}/readyz`)).json()).status).toBe('ready');
    const json = { 'content-type': 'application/json' };
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(admin),
    });
    expect(login.status).toBe(200);
    const { user, accessToken } = await login.json();
    const auth = { ...json, authorization: `Bearer ${accessToken}` };
    const grant = await fetch(`${base}/api/v1/admin/users/${user.id}/credits`, {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'read-only' },
      body: JSON.stringify({ amount: 1 }),
    });
    expect(grant.status).toBeLessThan(300);
    const chat = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(chat.status).toBe(200);
    expect(Number(chat.headers.get('x-hub-cost'))).toBeGreaterThan(0);
  });

  it('shuts down cleanly on SIGTERM, having met no read-only or permission error', async () => {
    hub.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/"msg":"shut down cleanly"/);
    expect(output).not.toMatch(/EROFS|EACCES|EPERM|read-only file system/i);
  });
});

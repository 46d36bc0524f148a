import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackageManifest, publishedPackages } from './workspace-packages.js';

// What `npx @smart-ai-hub/server serve` fetches is the packed packages: this packs each one the
// release publishes (pnpm pack, as `changeset publish` does: workspace ranges become versions),
// lays the tarballs out as npm installs them, and runs the packed CLI through npx. The third-party
// dependencies are the workspace's own installed copies (the locked versions), linked in, so the
// test needs no registry; a real `npm install` of the tarballs is the same layout fetched.
const published = publishedPackages();
let root: string;
let project: string;
const packed = new Map<string, { dir: string; manifest: PackageManifest; files: string[] }>();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Every file target a manifest names (main, module, types, bin, exports), relative to the package. */
function manifestTargets(manifest: PackageManifest): string[] {
  const targets: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object')
      for (const [key, v] of Object.entries(value)) if (key !== 'source') walk(v);
  };
  walk([manifest.main, manifest.module, manifest.types, manifest.bin, manifest.exports]);
  return targets.filter((t) => t.startsWith('./') || /^[\w-]/.test(t)).map((t) => t.replace(/^\.\//, ''));
}

/** The module specifiers a file imports or requires, statically or dynamically. */
function specifiers(code: string): string[] {
  const found = code.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["']([^"']+)["']/gm,
  );
  return [...found].map((match) => match[1]!);
}

/**
 * What Node loads from a packed package: every file reachable from its entry points through relative
 * imports, and the packages those files import by bare name (`openai`, `@fastify/cors`; builtins
 * left out). A relative import to a file the tarball lacks is reported as `missing:<path>`.
 */
function runtimeImports(dir: string, entries: string[]): { file: string; imported: string }[] {
  const found: { file: string; imported: string }[] = [];
  const seen = new Set<string>();
  const queue = entries.filter((e) => /\.[cm]?js$/.test(e)).map((e) => join(dir, e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = [specifier, `${specifier}.js`, `${specifier}/index.js`]
          .map((s) => join(dirname(file), s))
          .find((p) => existsSync(p) && !statSync(p).isDirectory());
        if (target) queue.push(target);
        else found.push({ file: relative(dir, file), imported: `missing:${specifier}` });
        continue;
      }
      if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0]!;
      found.push({ file: relative(dir, file), imported: name });
    }
  }
  return found;
}

/**
 * Runs `npx` in the installed project, in a process group of its own. `until` is polled until it
 * holds, then the whole group gets SIGTERM, as a terminal's Ctrl-C reaches every process of the
 * foreground group: npm exec does not pass a signal on to the command it started. Resolves once
 * every process has closed its output, with npx's exit code and everything they printed.
 */
function npx(args: string[], env: Record<string, string>, until?: () => Promise<boolean>) {
  const child = spawn('npx', ['--no-install', ...args], {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: project, npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return (async () => {
    if (until) {
      const deadline = Date.now() + 60_000;
      try {
        while (child.exitCode === null && Date.now() < deadline && !(await until())) {
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // The group has already gone.
        }
      }
    }
    return { code: await closed, output };
  })();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hub-npm-'));
  project = join(root, 'project');
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  for (const { dir, manifest } of published) {
    const built = manifest.files?.filter((f) => !existsSync(join(dir, f))) ?? [];
    if (built.length > 0)
      throw new Error(`${manifest.name}: ${built.join(', ')} missing: run \`pnpm build\` first`);
    const output = execFileSync('pnpm', ['pack', '--pack-destination', root], { cwd: dir, encoding: 'utf8' });
    const tarball = output.trim().split('\n').at(-1)!;
    const target = join(project, 'node_modules', manifest.name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    const packedManifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as PackageManifest;
    packed.set(manifest.name, { dir: target, manifest: packedManifest, files: filesUnder(target) });
    // Third-party dependencies: the workspace's installed (locked) copies.
    for (const dep of Object.keys(packedManifest.dependencies ?? {})) {
      if (dep.startsWith('@smart-ai-hub/')) continue;
      const link = join(project, 'node_modules', dep);
      if (existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(dir, 'node_modules', dep)), link, 'dir');
    }
    // As npm links bins on install.
    for (const [name, file] of Object.entries(packedManifest.bin ?? {})) {
      symlinkSync(join('..', manifest.name, file), join(project, 'node_modules', '.bin', name));
    }
  }
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('hold every file their manifests name, and no sources or tests', () => {
    for (const [name, { manifest, files }] of packed) {
      for (const target of manifestTargets(manifest)) expect(files, `${name}: ${target}`).toContain(target);
      expect(
        files.filter((f) => /(^|\/)(src|test)\//.test(f) || /\.test\.[cm]?[jt]s$/.test(f)),
        name,
      ).toEqual([]);
    }
  });

  it('depend on versions, never on the workspace, and on each other only at the packed versions', () => {
    for (const [name, { manifest }] of packed) {
      for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        expect(range, `${name} -> ${dep}`).not.toMatch(/^workspace:/);
        if (dep.startsWith('@smart-ai-hub/'))
          expect(range, `${name} -> ${dep}`).toBe(packed.get(dep)?.manifest.version);
      }
    }
  });

  it('load at run time only their own files and the packages they declare', () => {
    for (const [name, { dir, manifest }] of packed) {
      const declared = new Set(
        Object.keys({
          ...manifest.dependencies,
          ...manifest.peerDependencies,
          ...manifest.optionalDependencies,
        }),
      );
      const imports = runtimeImports(dir, manifestTargets(manifest));
      if (name === '@smart-ai-hub/server') {
        expect(imports.map((i) => i.imported)).toEqual(
          expect.arrayContaining(['fastify', '@smart-ai-hub/adapters']),
        );
      }
      const undeclared = imports
        .filter(({ imported }) => !declared.has(imported) && imported !== name)
        .map(({ file, imported }) => `${file}: ${imported}`);
      expect([...new Set(undeclared)], name).toEqual([]);
    }
  });

  it('give the server one bin, the CLI, so `npx @smart-ai-hub/server` runs it', () => {
    const server = packed.get('@smart-ai-hub/server')!;
    expect(server.manifest.bin).toEqual({
      'smart-ai-hub': expect.stringMatching(/^(\.\/)?dist\/cli\/main\.js$/),
    });
    const cli = readFileSync(join(server.dir, server.manifest.bin!['smart-ai-hub']!), 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('npx @smart-ai-hub/server, from the packed packages', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = join(root, 'data');
  });

  it('prints its usage', async () => {
    const run = await npx(['@smart-ai-hub/server', '--help'], {});
    expect(run.output).toMatch(/Usage: smart-ai-hub <command>/);
    expect(run.output).toMatch(/\bserve\b/);
    expect(run.code).toBe(0);
  });

  it('migrates, then serves a metered chat, then stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
    const env = {
      HUB_DATA_DIR: dataDir,
      DATABASE_URL: join(dataDir, 'hub.db'),
      HUB_PASSWORD_HASH_COST: 'test',
    };
    const migrate = await npx(['@smart-ai-hub/server', 'migrate'], env);
    expect(migrate.output).toMatch(/Applied \d+ migration\(s\)/);
    expect(migrate.code).toBe(0);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const admin = { email: 'npx@example.com', password: 'a long npx test passphrase' };
    let ready: { status?: string } = {};
    let charged = 0;
    const serve = await npx(
      ['@smart-ai-hub/server', 'serve'],
      {
        ...env,
        PORT: String(port),
        LOG_LEVEL: 'info',
        HUB_ADMIN_EMAIL: admin.email,
        HUB_ADMIN_PASSWORD: admin.password,
      },
      async () => {
        try {
          ready = await (await fetch(`${base}/readyz`)).json();
        } catch {
          return false;
        }
        const json = { 'content-type': 'application/json' };
        const login = await (
          await fetch(`${base}/api/v1/auth/login`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify(admin),
          })
        ).json();
        const auth = { ...json, authorization: `Bearer ${login.accessToken}` };
        await fetch(`${base}/api/v1/admin/users/${login.user.id}/credits`, {
          method: 'POST',
          headers: { ...auth, 'idempotency-key': 'npx' },
          body: JSON.stringify({ amount: 1 }),
        });
        const chat = await fetch(`${base}/v1/chat/completions`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hello' }] }),
        });
        charged = Number(chat.headers.get('x-hub-cost'));
        return true;
      },
    );
    expect(ready.status, serve.output).toBe('ready');
    expect(charged).toBeGreaterThan(0);
    expect(serve.output).toMatch(/"msg":"shut down cleanly"/);
    expect(serve.output).not.toMatch(/"level":(50|60)/);
  });
});

describe('the packing', () => {
  it('covers every published package', () => {
    expect([...packed.keys()].sort()).toEqual(published.map((p) => p.manifest.name).sort());
    expect(published.map((p) => basename(p.dir))).toContain('server');
  });
});

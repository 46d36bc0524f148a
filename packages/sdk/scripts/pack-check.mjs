#!/usr/bin/env node
// Proves the published package works as users get it: builds, packs the tarball, installs it
// with npm in a clean folder outside the workspace, then imports it from ESM and CJS and type
// checks a TypeScript consumer (import and require) against the shipped declarations.
// Usage: node scripts/pack-check.mjs [--build]   (builds when dist/ is older than the sources, or always with --build)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = join(sdk, '..', '..');
const tsc = join(workspace, 'node_modules', '.bin', 'tsc');
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Newest modification time under `path` (a file or a folder). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return path.endsWith('.test.ts') ? 0 : stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}
const built = Math.min(newest(join(sdk, 'dist', 'index.d.cts')), newest(join(sdk, 'dist', 'index.js')));
const sources = Math.max(
  newest(join(sdk, 'src')),
  newest(join(sdk, 'package.json')),
  newest(join(sdk, 'tsup.config.ts')),
);

const temp = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
try {
  if (process.argv.includes('--build') || built < sources)
    console.log(run('pnpm', ['run', '--silent', 'build'], sdk).match(/sdk size: .*/)?.[0]);
  run('pnpm', ['pack', '--pack-destination', temp], sdk);
  const tarball = join(
    temp,
    readdirSync(temp).find((f) => f.endsWith('.tgz')),
  );
  const app = join(temp, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', private: true, version: '0.0.0' }),
  );
  run('npm', ['install', tarball, '--no-audit', '--no-fund', '--offline', '--no-package-lock'], app);

  const use = `
    const client = new HubClient({ baseURL: 'http://127.0.0.1:1', apiKey: 'sk-hub-x', maxRetries: 0 });
    if (typeof client.chat.completions.stream !== 'function') throw new Error('no chat');
    const error = await client.credits.balance().catch((e) => e);
    if (!(error instanceof APIConnectionError) || !(error instanceof HubAPIError)) throw error;
    if (ERROR_STATUS.insufficient_credits !== 402) throw new Error('no ERROR_STATUS');`;
  writeFileSync(
    join(app, 'esm.mjs'),
    `import { APIConnectionError, ERROR_STATUS, HubAPIError, HubClient } from '@smart-ai-hub/sdk';\n${use}\nconsole.log('esm ok');\n`,
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const { APIConnectionError, ERROR_STATUS, HubAPIError, HubClient } = require('@smart-ai-hub/sdk');\n(async () => {${use}\nconsole.log('cjs ok');\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
  );
  const typed = `
    const client = new HubClient({ baseURL: 'https://hub.example', auth: {} });
    async function demo(signal: AbortSignal): Promise<number | undefined> {
      const stream = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal });
      for await (const chunk of stream) chunk.choices[0]?.delta.content?.toUpperCase();
      const done: ChatCompletion = await client.chat.completions.create({ model: 'mock', messages: [] });
      const final = await client.chat.completions.stream({ model: 'mock', messages: [] }).finalMessage();
      try { await client.credits.balance(); } catch (e) { if (e instanceof RateLimitError) return e.retryAfter; }
      return (done.hub?.cost ?? 0) + (final.hub?.cost ?? 0);
    }
    // @ts-expect-error model is required
    client.chat.completions.create({ messages: [] });
    export { demo };`;
  writeFileSync(
    join(app, 'consumer.mts'),
    `import { type ChatCompletion, HubClient, RateLimitError } from '@smart-ai-hub/sdk';\n${typed}\n`,
  );
  writeFileSync(
    join(app, 'consumer.cts'),
    `import sdk = require('@smart-ai-hub/sdk');\nconst { HubClient, RateLimitError } = sdk;\ntype ChatCompletion = sdk.ChatCompletion;\n${typed}\n`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom', 'dom.iterable'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ['consumer.mts', 'consumer.cts'],
    }),
  );

  console.log(run('node', ['esm.mjs'], app).trim());
  console.log(run('node', ['cjs.cjs'], app).trim());
  run(tsc, ['-p', '.'], app);
  console.log('types ok (import and require)');
  console.log('pack check passed');
} catch (error) {
  console.error(`pack check failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  process.exitCode = 1;
} finally {
  rmSync(temp, { recursive: true, force: true });
}

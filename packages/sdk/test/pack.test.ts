import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/pack-check.mjs', import.meta.url));

describe('the published package', () => {
  it('installs from its packed tarball and works from ESM, CJS and TypeScript', () => {
    // Builds, packs, installs with npm in a clean folder, imports it both ways, type checks a consumer.
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('esm ok');
    expect(run.stdout).toContain('cjs ok');
    expect(run.stdout).toContain('types ok (import and require)');
    expect(run.status).toBe(0);
  }, 240_000);
});

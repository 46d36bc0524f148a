import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Builds the console once when its `dist` is missing (a fresh clone running `pnpm test`), so the
 * hub under test serves what a user would get. `pnpm build` makes it beforehand in CI.
 */
export default function buildConsole(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (existsSync(`${root}/dist/index.html`)) return;
  const build = spawnSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`building the console failed (exit ${build.status})`);
}

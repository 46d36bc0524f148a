#!/usr/bin/env node
// Prints the SDK's size as users pay for it: the ESM build, bundled, minified and gzipped.
// Run by `pnpm build`; fails the build when the bundle outgrows its budget.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TARGET_KB = 10;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// esbuild comes with tsup: resolve it from there rather than adding a dependency.
const require = createRequire(import.meta.url);
const esbuild = createRequire(require.resolve('tsup'))('esbuild');

const result = await esbuild.build({
  entryPoints: [join(root, 'dist/index.js')],
  bundle: true,
  minify: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'silent',
});
const minified = result.outputFiles[0].contents;
const gzipped = gzipSync(minified, { level: 9 });
const kB = (bytes) => (bytes / 1024).toFixed(2);
console.log(
  `sdk size: ${kB(gzipped.length)} kB min+gz (target < ${TARGET_KB} kB; ${kB(minified.length)} kB min)`,
);
if (gzipped.length >= TARGET_KB * 1024) {
  console.error(`sdk size is over its ${TARGET_KB} kB budget`);
  process.exit(1);
}

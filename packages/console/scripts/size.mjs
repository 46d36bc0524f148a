#!/usr/bin/env node
// Measures what the first page loads, gzipped, from Vite's manifest: the entry chunk, the
// sign-in page a visitor lands on (its route chunk and layout), and every chunk they import
// statically. The other routes are split off (loaded on demand). Fails the build above the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 200 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
const seen = new Set();
const walk = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const next of manifest[key].imports ?? []) walk(next);
};
walk(Object.keys(manifest).find((key) => manifest[key] === entry));
for (const route of ['src/components/layout/auth-layout.tsx', 'src/pages/auth/sign-in-page.tsx']) {
  if (!manifest[route]) throw new Error(`size: ${route} is not in the build's manifest`);
  walk(route);
}
const files = [...seen].map((key) => manifest[key].file);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const first = files.reduce((sum, file) => sum + gz(file), 0);
const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry).length;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(
  `console: first page JavaScript ${kb(first)} gzipped (${files.length} file${files.length === 1 ? '' : 's'}; budget ${kb(BUDGET)}), ${lazy} routes loaded on demand`,
);
if (first > BUDGET) {
  console.error(`console: the first page's JavaScript is over budget by ${kb(first - BUDGET)}`);
  process.exit(1);
}

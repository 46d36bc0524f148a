import { readdirSync, readFileSync, statSync } from 'node:fs';

/**
 * Prints the functions with the most self time in the newest `.cpuprofile` of `$PROF_DIR`, or of
 * `bench/results/profiles/` (written by `BENCH_PROFILE=1 pnpm bench`).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const dir = new URL(
  process.env.PROF_DIR ? `file://${process.env.PROF_DIR}/` : './results/profiles/',
  import.meta.url,
);
// The biggest profile is the hub's main thread (tsx's loader thread writes a small one too).
const newest = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => ({ f, size: statSync(new URL(f, dir)).size }))
  .sort((a, b) => b.size - a.size)[0]?.f;
if (!newest) throw new Error('no profile: run BENCH_PROFILE=1 pnpm bench first');
const profile = JSON.parse(readFileSync(new URL(newest, dir), 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)!.callFrame;
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '~/').replace(/^.*packages\//, '')}:${frame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [key, micros] of [...self.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(process.argv[2] ?? 25))) {
  console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

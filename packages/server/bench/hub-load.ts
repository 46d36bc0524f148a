/**
 * A quick look at the hub alone under load (`tsx --conditions=source bench/hub-load.ts [seconds]`):
 * the fake upstream and the hub in their own processes, one max-rate run and one at 500 req/s,
 * non-streaming, as `pnpm bench` drives them. For iterating on the hot path; `pnpm bench` reports.
 */
import { startChild } from './child-process.js';
import { runLoad } from './load.js';
import { runOpenLoop } from './open-loop.js';

const seconds = Number(process.argv[2] ?? 3);
const upstream = await startChild('./upstream-process.ts');
const hub = await startChild<{ type: 'ready'; url: string; apiKey: string }>(
  './hub-process.ts',
  { UPSTREAM_URL: upstream.ready.url },
  process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [],
);
const target = {
  url: `${hub.ready.url}/v1/chat/completions`,
  headers: { authorization: `Bearer ${hub.ready.apiKey}` },
  body: JSON.stringify({
    model: 'gpt-4o-mini',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say sixteen words please' }],
  }),
  connections: 50,
};
try {
  await runLoad({ ...target, durationSeconds: 1 });
  const max = await runLoad({ ...target, durationSeconds: seconds });
  const fixed = await runOpenLoop({ ...target, durationSeconds: seconds, rate: 500 });
  const f = (v: number) => v.toFixed(2);
  console.log(
    `max: ${Math.round(max.rps)} req/s, p50 ${f(max.p50)} ms, p99 ${f(max.p99)} ms, failures ${max.failures}`,
  );
  console.log(`@500/s: p50 ${f(fixed.p50)} ms, p99 ${f(fixed.p99)} ms, failures ${fixed.failures}`);
} finally {
  await hub.stop();
  await upstream.stop();
}
process.exit(0);

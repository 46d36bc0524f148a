import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startChild } from './child-process.js';
import type { EventLoopReport } from './event-loop-watch.js';
import { type LoadResult, runLoad } from './load.js';
import { measureObservabilityCost, type ObservabilityCost } from './observability-cost.js';
import { runOpenLoop } from './open-loop.js';
import { mainThreadCpuMs, processCpuMs } from './process-cpu.js';
import { holdStreams, runStreams, type StreamResult, type StreamTarget } from './stream-client.js';

/**
 * `pnpm bench`: the gateway benchmark. Starts the fake OpenAI upstream, a bare pass-through
 * proxy and the hub, each in its own process on 127.0.0.1, and measures them side by side.
 * Throughput: autocannon, closed-loop on 50 connections. Latency at 500 req/s: open-loop,
 * evenly spaced arrivals timed from their scheduled send (`runOpenLoop`, which says why).
 * `BENCH_STORAGE=postgres pnpm bench` runs the hub on PostgreSQL + Redis instead (results in
 * `results/latest-postgres-redis.md`).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/**
 * Each target is measured once per round, the targets taking turns (the order rotating), and
 * every figure is the median over the rounds. This box's speed drifts by a third within minutes;
 * a ratio or a difference is taken within each round (targets measured minutes apart would
 * compare two different machines), then its median reported.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** `BENCH_STORAGE=postgres`: the hub on a fresh PostgreSQL database and Redis (see hub-process.ts). */
const scaled = process.env.BENCH_STORAGE === 'postgres';
const resultName = scaled ? 'latest-postgres-redis' : 'latest';
const CONNECTIONS = 50;
/** Arrivals per second of the open-loop latency runs (the "@500/s" columns and targets). */
const FIXED_RATE = 500;
const STREAMS_HELD = Number(process.env.BENCH_STREAMS ?? 1_000);

const upstream = await startChild('./upstream-process.ts');
const proxy = await startChild('./bare-proxy.ts', { UPSTREAM_URL: upstream.ready.url }, ['--expose-gc']);
const profileDir = fileURLToPath(new URL('./results/profiles/', import.meta.url));
const hub = await startChild<{ type: 'ready'; url: string; apiKey: string }>(
  './hub-process.ts',
  { UPSTREAM_URL: upstream.ready.url },
  ['--expose-gc', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
);

/** The request of a run, for `model` (the hub's `-sdk` model is the same upstream model through the official client). */
const bodyFor = (model: string, stream: boolean) =>
  JSON.stringify({
    model,
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say sixteen words please' }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
const upstreamHeaders = { authorization: 'Bearer sk-bench' };
const hubHeaders = { authorization: `Bearer ${hub.ready.apiKey}` };
const hubUrl = `${hub.ready.url}/v1/chat/completions`;
const targets = {
  direct: {
    url: `${upstream.ready.url}/v1/chat/completions`,
    headers: upstreamHeaders,
    model: 'gpt-4o-mini',
  },
  proxy: { url: `${proxy.ready.url}/v1/chat/completions`, headers: upstreamHeaders, model: 'gpt-4o-mini' },
  /** `openai-compatible` deployment (undici). */
  hub: { url: hubUrl, headers: hubHeaders, model: 'gpt-4o-mini' },
  /** The same through an `openai` deployment (the official `openai` client). */
  'hub (openai SDK)': { url: hubUrl, headers: hubHeaders, model: 'gpt-4o-mini-sdk' },
};
type Name = keyof typeof targets;
const names = Object.keys(targets) as Name[];

interface Measured {
  max: LoadResult;
  /** CPU per request (us) during the max-throughput run: the target's process (not `direct`), the upstream, this load generator. */
  cpu: { target?: number; targetLoop?: number; upstream?: number; client: number };
  fixed: LoadResult;
  streamSeq: StreamResult;
  streamConc: StreamResult;
}
/** `rounds[r][name]`: what round `r` measured of target `name`. */
const rounds: Array<Record<Name, Measured>> = [];
let memory:
  | {
      hubBefore: number;
      hubDuring: number;
      proxyBefore: number;
      proxyDuring: number;
      open: number;
      failures: number;
    }
  | undefined;

/** The hub's own stalls during its @500/s run: what of its p99 is the hub, what the machine. */
let hubEventLoop: EventLoopReport | undefined;
/** What metrics and traces cost the event loop (`observability-cost.ts`); `BENCH_OBSERVABILITY=off` skips it. */
let observability: ObservabilityCost | undefined;

try {
  // First, on fresh processes: 1,000 streams held open on a slow upstream, RSS of the hub (and of
  // the bare proxy, for scale) after a GC, before and during. (Measured after the load runs, the
  // garbage they leave makes the delta meaningless: it came out negative.)
  for (const name of ['proxy', 'hub'] as const)
    await runStreams({ ...targets[name], body: bodyFor('gpt-4o-mini', true) }, 50, 5);
  await upstream.ask({ type: 'pace', chunkDelayMs: 2_000 });
  const hold = async (name: 'hub' | 'proxy') => {
    const child = name === 'hub' ? hub : proxy;
    const before = await child.ask<number>({ type: 'memory' });
    const held = await holdStreams({ ...targets[name], body: bodyFor('gpt-4o-mini', true) }, STREAMS_HELD);
    const during = await child.ask<number>({ type: 'memory' });
    await held.abort();
    return { before, during, open: held.open, failures: held.failures };
  };
  const proxyHold = await hold('proxy');
  const hubHold = await hold('hub');
  memory = {
    hubBefore: hubHold.before,
    hubDuring: hubHold.during,
    proxyBefore: proxyHold.before,
    proxyDuring: proxyHold.during,
    open: hubHold.open,
    failures: hubHold.failures,
  };
  await upstream.ask({ type: 'pace', chunkDelayMs: 0 });

  const measure = async (name: Name, round: number): Promise<Measured> => {
    const body = bodyFor(targets[name].model, false);
    const streamBody = bodyFor(targets[name].model, true);
    // Warm up (JIT, connection pools, SQLite page cache) before measuring.
    await runLoad({ ...targets[name], body, durationSeconds: 1, connections: CONNECTIONS });
    const middle = name === 'direct' ? undefined : name === 'proxy' ? proxy : hub;
    const before = {
      target: middle && processCpuMs(middle.process.pid!),
      targetLoop: middle && mainThreadCpuMs(middle.process.pid!),
      upstream: processCpuMs(upstream.process.pid!),
      client: process.cpuUsage(),
    };
    const max = await runLoad({ ...targets[name], body, durationSeconds: SECONDS, connections: CONNECTIONS });
    const requests = max.rps * SECONDS;
    const perRequest = (start: number | undefined, end: number | undefined) =>
      start === undefined || end === undefined ? undefined : ((end - start) * 1000) / requests;
    const client = process.cpuUsage(before.client);
    const cpu = {
      target: perRequest(before.target, middle && processCpuMs(middle.process.pid!)),
      targetLoop: perRequest(before.targetLoop, middle && mainThreadCpuMs(middle.process.pid!)),
      upstream: perRequest(before.upstream, processCpuMs(upstream.process.pid!)),
      client: (client.user + client.system) / requests,
    };
    if (name === 'hub' && round === 0) await hub.ask({ type: 'eventLoop', reset: true });
    const fixed = await runOpenLoop({
      ...targets[name],
      body,
      rate: FIXED_RATE,
      durationSeconds: SECONDS,
      // Steady state at the rate: long enough for the disk to write back what the max run left.
      warmupSeconds: 3,
    });
    if (name === 'hub' && round === 0) hubEventLoop = await hub.ask<EventLoopReport>({ type: 'eventLoop' });
    const stream: StreamTarget = { ...targets[name], body: streamBody };
    const streamSeq = await runStreams(stream, 200, 1);
    const streamConc = await runStreams(stream, 500, 50);
    return { max, cpu, fixed, streamSeq, streamConc };
  };
  for (let round = 0; round < ROUNDS; round++) {
    const measured = {} as Record<Name, Measured>;
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      measured[name] = await measure(name, round);
    }
    rounds.push(measured);
    console.error(`round ${round + 1} of ${ROUNDS} measured`);
  }
  if (process.env.BENCH_OBSERVABILITY !== 'off') {
    observability = await measureObservabilityCost({
      upstreamUrl: upstream.ready.url,
      rounds: ROUNDS,
      seconds: SECONDS,
      connections: CONNECTIONS,
    });
  }
} finally {
  await Promise.all([hub.stop(), proxy.stop()]);
  await upstream.stop();
}

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const added = (hubValue: number | undefined, base: number | undefined) =>
  hubValue === undefined || base === undefined ? Number.NaN : hubValue - base;

/** The median of the rounds' values (the lower middle one for an even count). */
const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const over = (pick: (round: Record<Name, Measured>) => number) => median(rounds.map(pick));
const range = (pick: (round: Record<Name, Measured>) => number, digits: number) => {
  const values = rounds.map(pick);
  return `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
};

const rows = names.map((name) => ({
  target: name,
  rps: Math.round(over((r) => r[name].max.rps)),
  p50: over((r) => r[name].max.p50),
  p99: over((r) => r[name].max.p99),
  fixedP50: over((r) => r[name].fixed.p50),
  fixedP99: over((r) => r[name].fixed.p99),
  ttfbP50: over((r) => r[name].streamSeq.ttfb.p50),
  totalP50: over((r) => r[name].streamSeq.total.p50),
  concTtfbP50: over((r) => r[name].streamConc.ttfb.p50),
  concTotalP99: over((r) => r[name].streamConc.total.p99),
  failures: rounds.reduce(
    (sum, r) =>
      sum +
      r[name].max.failures +
      r[name].fixed.failures +
      r[name].streamSeq.failures +
      r[name].streamConc.failures,
    0,
  ),
}));
const [, bare, hubRow] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
// Paired within each round, then the median over the rounds.
const throughputShare = (r: Record<Name, Measured>) => r.hub.max.rps / r.proxy.max.rps;
const addedFixedP50 = (r: Record<Name, Measured>) => r.hub.fixed.p50 - r.direct.fixed.p50;
const addedFixedP99 = (r: Record<Name, Measured>) => r.hub.fixed.p99 - r.direct.fixed.p99;
const addedTtfbP50 = (r: Record<Name, Measured>) => r.hub.streamSeq.ttfb.p50 - r.direct.streamSeq.ttfb.p50;
const share = over(throughputShare);
const addedP50 = over(addedFixedP50);
const addedP99 = over(addedFixedP99);
const addedTtfb = over(addedTtfbP50);
const rounded =
  ROUNDS > 1
    ? (pick: (r: Record<Name, Measured>) => number, digits: number) => `; rounds ${range(pick, digits)}`
    : () => '';
const streamMemory = memory ? memory.hubDuring - memory.hubBefore : Number.NaN;
const targetsMet = [
  {
    target: 'hub throughput >= 50% of bare proxy',
    value: `${(share * 100).toFixed(0)}%${rounded((r) => throughputShare(r) * 100, 0)}`,
    pass: share >= 0.5,
  },
  { target: 'hub throughput >= 1,000 req/s', value: `${hubRow.rps} req/s`, pass: hubRow.rps >= 1_000 },
  {
    target: 'added latency p50 <= 1 ms at 500 req/s',
    value: `${ms(addedP50)} ms${rounded(addedFixedP50, 2)}`,
    pass: addedP50 <= 1,
  },
  {
    target: 'added latency p99 <= 5 ms at 500 req/s',
    value: `${ms(addedP99)} ms${rounded(addedFixedP99, 2)}`,
    pass: addedP99 <= 5,
  },
  {
    target: 'streaming adds <= 1 ms to TTFB (p50, sequential)',
    value: `${ms(addedTtfb)} ms${rounded(addedTtfbP50, 2)}`,
    pass: addedTtfb <= 1,
  },
  {
    target: `${STREAMS_HELD} concurrent streams < 200 MB (hub RSS delta)`,
    value: `${mb(streamMemory)} MB (${memory?.open ?? 0} open, ${memory?.failures ?? 0} failed; bare proxy ${memory ? mb(memory.proxyDuring - memory.proxyBefore) : '-'} MB)`,
    pass: streamMemory < 200 * 1024 * 1024 && (memory?.open ?? 0) === STREAMS_HELD,
  },
];

const header =
  '| target | req/s | p50 ms | p99 ms | p50 @500/s | p99 @500/s | TTFB p50 | full p50 | TTFB p50 (x50) | full p99 (x50) | failures |';
const table = [
  header,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.target} | ${r.rps} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.fixedP50)} | ${ms(r.fixedP99)} | ${ms(r.ttfbP50)} | ${ms(r.totalP50)} | ${ms(r.concTtfbP50)} | ${ms(r.concTotalP99)} | ${r.failures} |`,
  ),
].join('\n');
const ratios = `Hub / bare proxy (medians of the rounds): throughput ${(share * 100).toFixed(0)}%, p50 ${ms(added(hubRow.p50, bare.p50))} ms more, TTFB ${ms(added(hubRow.ttfbP50, bare.ttfbP50))} ms more.`;
const cpuOf = (name: Name, part: 'target' | 'targetLoop' | 'upstream' | 'client') =>
  over((r) => r[name].cpu[part] ?? Number.NaN);
const us = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)} us`);
const cpuLine = `CPU per request during the throughput runs (medians; all threads of each process): hub ${us(cpuOf('hub', 'target'))} (its event loop ${us(cpuOf('hub', 'targetLoop'))}: the thread that bounds its throughput), bare proxy ${us(cpuOf('proxy', 'target'))} (event loop ${us(cpuOf('proxy', 'targetLoop'))}); the upstream ${us(cpuOf('hub', 'upstream'))} and the load generator ${us(cpuOf('hub', 'client'))} in the hub's runs (${us(cpuOf('proxy', 'upstream'))} and ${us(cpuOf('proxy', 'client'))} in the proxy's).${scaled ? ' PostgreSQL and Redis servers not counted.' : ''} Less noisy than req/s on a shared machine, though a slow stretch inflates it too.`;
const checks = targetsMet.map((t) => `- ${t.pass ? 'PASS' : 'MISS'} ${t.target}: ${t.value}`).join('\n');
const eventLoop = hubEventLoop
  ? `The hub's event loop during its @${FIXED_RATE}/s run: delay p50 ${hubEventLoop.delayP50} ms, p99 ${hubEventLoop.delayP99} ms, max ${hubEventLoop.delayMax} ms (how long a 1 ms timer took: 1 ms when nothing blocks the loop); ${hubEventLoop.gcCount} GC pauses, ${hubEventLoop.gcTotal} ms in all, the longest ${hubEventLoop.gcMax} ms.`
  : '';
const markdown = `# Gateway benchmark${scaled ? ' (hub on PostgreSQL + Redis)' : ''}\n\n${new Date().toISOString()}, Node ${process.version}, ${ROUNDS} rounds (the targets take turns; figures are medians over the rounds, ratios and differences paired within a round), ${SECONDS} s per load run, all on 127.0.0.1.\nreq/s, p50, p99: autocannon, closed-loop on ${CONNECTIONS} connections. @${FIXED_RATE}/s: open-loop, ${FIXED_RATE} evenly spaced arrivals a second (after 3 s at that rate), timed from each one's scheduled send.\nLatencies in ms. Streams: 200 sequential, then 500 at 50 concurrent.\n\n${table}\n\n${ratios}\n\n${cpuLine}\n\n${checks}\n\n${eventLoop}\n${observability ? `\n${observability.markdown}` : ''}`;
console.log(markdown);
const outDir = new URL('./results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(new URL(`${resultName}.md`, outDir), markdown);
writeFileSync(
  new URL(`${resultName}.json`, outDir),
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, seconds: SECONDS, rounds: ROUNDS, rows, cpuPerRequestUs: { hub: cpuOf('hub', 'target'), hubEventLoop: cpuOf('hub', 'targetLoop'), proxy: cpuOf('proxy', 'target'), proxyEventLoop: cpuOf('proxy', 'targetLoop') }, memory, hubEventLoop, observability: observability && { rounds: observability.rounds, metricsOnNs: observability.metricsOnNs, offNs: observability.offNs }, targets: targetsMet }, null, 2)}\n`,
);
process.exit(0);

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import type { CatalogDeployment } from '../src/domains/models/catalog/model-catalog.js';
import { noGatewayMetrics } from '../src/domains/models/gateway/gateway-metrics.js';
import { noGatewayTracing } from '../src/domains/models/gateway/gateway-tracing.js';
import type { MeteredCall } from '../src/domains/models/gateway/metered-call.js';
import { UpstreamWatch } from '../src/domains/models/gateway/upstream-watch.js';
import type { UsageRow } from '../src/domains/models/usage/usage-writer.js';
import { CounterCells } from '../src/metrics/counter-cells.js';
import { createGatewayMetrics } from '../src/metrics/gateway-metrics-cells.js';
import { HistogramCells } from '../src/metrics/histogram-cells.js';
import { type BenchChild, startChild } from './child-process.js';
import { runLoad } from './load.js';
import { mainThreadCpuMs } from './process-cpu.js';

/** The hubs compared: the default (metrics on, tracing off), metrics off, traces exported. */
const VARIANTS = ['metrics on', 'metrics off', 'tracing on'] as const;
type Variant = (typeof VARIANTS)[number];

export interface ObservabilityCost {
  /** Per round and variant: event-loop CPU per request (us) and req/s. */
  rounds: Array<Record<Variant, { loopUs: number; rps: number }>>;
  /** ns a request spends recording its metrics (gateway and HTTP), in-process. */
  metricsOnNs: number;
  /** ns a request spends in the gateway's tracing and metrics calls when both are off, in-process. */
  offNs: number;
  markdown: string;
}

/**
 * What metrics and traces cost the hub's event loop: three hub processes on one upstream, the
 * default (metrics on, tracing off), `HUB_METRICS=off`, and tracing on (OTLP/HTTP to a sink that
 * answers 200), measured in turns (the order rotating each round, as `pnpm bench` does) and
 * compared within each round; plus the metrics' own work and what is left when both are off,
 * timed in-process, apart from the machine's noise.
 */
export async function measureObservabilityCost(options: {
  upstreamUrl: string;
  rounds: number;
  seconds: number;
  connections: number;
}): Promise<ObservabilityCost> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const envOf: Record<Variant, Record<string, string>> = {
    'metrics on': {},
    'metrics off': { HUB_METRICS: 'off' },
    'tracing on': { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl },
  };
  const hubs = {} as Record<Variant, BenchChild<{ type: 'ready'; url: string; apiKey: string }>>;
  const rounds: ObservabilityCost['rounds'] = [];
  try {
    for (const variant of VARIANTS) {
      hubs[variant] = await startChild('./hub-process.ts', {
        UPSTREAM_URL: options.upstreamUrl,
        ...envOf[variant],
      });
    }
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say sixteen words please' }],
    });
    const targetOf = (variant: Variant) => ({
      url: `${hubs[variant].ready.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${hubs[variant].ready.apiKey}` },
      body,
      connections: options.connections,
    });
    // Fresh processes: warm each up (JIT, pools, page cache) before the first round.
    for (const variant of VARIANTS) await runLoad({ ...targetOf(variant), durationSeconds: 3 });
    for (let round = 0; round < options.rounds; round++) {
      const measured = {} as Record<Variant, { loopUs: number; rps: number }>;
      for (let i = 0; i < VARIANTS.length; i++) {
        const variant = VARIANTS[(i + round) % VARIANTS.length]!;
        const pid = hubs[variant].process.pid!;
        await runLoad({ ...targetOf(variant), durationSeconds: 1 });
        const before = mainThreadCpuMs(pid) ?? Number.NaN;
        const result = await runLoad({ ...targetOf(variant), durationSeconds: options.seconds });
        const after = mainThreadCpuMs(pid) ?? Number.NaN;
        measured[variant] = {
          loopUs: ((after - before) * 1000) / (result.rps * options.seconds),
          rps: result.rps,
        };
      }
      rounds.push(measured);
    }
  } finally {
    await Promise.all(Object.values(hubs).map((hub) => hub.stop()));
    await new Promise((resolve) => sink.close(resolve));
  }
  const metricsOnNs = metricsOnCost();
  const offNs = offCost();
  return { rounds, metricsOnNs, offNs, markdown: report(rounds, metricsOnNs, offNs) };
}

/**
 * What one request records with metrics on (the gateway's reports of an answered request, then its
 * HTTP counter and histogram), timed in a loop on a registry of its own.
 */
export function metricsOnCost(iterations = 1_000_000): number {
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry);
  const requests = new CounterCells(registry, 'http_total', 'h', ['method', 'route', 'status']);
  const duration = new HistogramCells(
    registry,
    'http_seconds',
    'h',
    ['method', 'route'],
    [0.001, 0.01, 0.1, 1],
  );
  const deployment = {
    id: 'openai-compatible-gpt-4o-mini',
    provider: 'openai-compatible',
  } as CatalogDeployment;
  const row = {
    model: 'gpt-4o-mini',
    provider: deployment.provider,
    deployment: deployment.id,
    status: 'ok',
    error_code: null,
    input_tokens: 12,
    output_tokens: 16,
    cost: 12,
  } as UsageRow;
  const once = () => {
    metrics.hold('placed', 0.0001);
    metrics.upstreamAttempt('gpt-4o-mini', deployment, 'ok', 0.001);
    metrics.upstreamFinished('gpt-4o-mini', deployment, 0.001);
    metrics.hold('settled', 0.0001);
    metrics.requestEnded(row);
    requests.add(1, 'POST', '/v1/chat/completions', '200');
    duration.observe(0.002, 'POST', '/v1/chat/completions');
  };
  return timePerCall(once, iterations);
}

/**
 * The gateway's tracing and metrics calls of one request with both off (the no-op spans of a hold,
 * an upstream attempt and a settle; the attempt's watch and its clock readings), timed in a loop:
 * what "off" costs over having no such code at all.
 */
export function offCost(iterations = 1_000_000): number {
  const deps = { metrics: noGatewayMetrics, tracing: noGatewayTracing };
  const call = {
    model: { id: 'm' },
    started: Date.now(),
    signal: new AbortController().signal,
  } as MeteredCall;
  const deployment = { id: 'd', provider: 'p', upstreamModel: 'u' } as CatalogDeployment;
  const answer = { inputTokens: 1, outputTokens: 1 };
  const once = () => {
    deps.tracing.stage(call, 'hold').end();
    const watch = new UpstreamWatch(deps, call, deployment, 'chat');
    watch.answered();
    watch.firstToken();
    watch.finished(answer);
    deps.tracing.stage(call, 'settle').end();
  };
  return timePerCall(once, iterations);
}

/** ns per call of `fn`, after a tenth as many calls to warm it up. */
function timePerCall(fn: () => void, iterations: number): number {
  for (let i = 0; i < iterations / 10; i++) fn();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - started) * 1e6) / iterations;
}

const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

function report(rounds: ObservabilityCost['rounds'], metricsOnNs: number, offNs: number): string {
  const us = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} us` : '-');
  const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${Math.round(v)} us` : '-');
  const lines = VARIANTS.map((variant) => {
    const loop = median(rounds.map((r) => r[variant].loopUs));
    const rps = median(rounds.map((r) => r[variant].rps));
    const vsOff = median(rounds.map((r) => r[variant].loopUs - r['metrics off'].loopUs));
    const each = rounds.map((r) => Math.round(r[variant].loopUs)).join(', ');
    return `| ${variant} | ${us(loop)} (${each}) | ${signed(vsOff)} | ${Math.round(rps)} |`;
  });
  return [
    '## What metrics and traces cost',
    '',
    `Three hub processes (metrics on with tracing off, the default; \`HUB_METRICS=off\`; tracing on, OTLP/HTTP to a local sink), ${rounds.length} rounds taken in turns, 50 connections. Event-loop CPU per request: the median, each round in brackets, and the difference to metrics off taken within each round.`,
    '',
    '| hub | event loop per request | vs metrics off | req/s |',
    '|---|---:|---:|---:|',
    ...lines,
    '',
    `Timed in-process: recording one request's metrics (its hold, attempt, answer and charge; its HTTP counter and histogram) takes ${metricsOnNs.toFixed(0)} ns; with metrics and tracing off, what is left of them on a request's path (no-op spans for the hold, the upstream attempt and the settle; the attempt's clock readings) takes ${offNs.toFixed(0)} ns, and no hook, tracer or span is made.`,
    '',
  ].join('\n');
}

// `tsx --conditions=source bench/observability-cost.ts`: this part alone, on its own upstream.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = await startChild('./upstream-process.ts');
  try {
    const cost = await measureObservabilityCost({
      upstreamUrl: upstream.ready.url,
      rounds: Number(process.env.BENCH_ROUNDS ?? 5),
      seconds: Number(process.env.BENCH_SECONDS ?? 3),
      connections: 50,
    });
    console.log(cost.markdown);
  } finally {
    await upstream.stop();
  }
  process.exit(0);
}

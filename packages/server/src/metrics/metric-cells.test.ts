import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseMetrics, promtoolCheck, sumOf } from '../../test/support/prometheus-text.js';
import { CounterCells } from './counter-cells.js';
import { HistogramCells } from './histogram-cells.js';

describe('counter and histogram cells', () => {
  it('export what the hot path added, in the Prometheus text format promtool accepts', async () => {
    const registry = new Registry();
    const requests = new CounterCells(registry, 'demo_requests_total', 'Requests', ['model', 'outcome']);
    const latency = new HistogramCells(registry, 'demo_latency_seconds', 'Latency', ['model'], [0.1, 1]);
    requests.add(1, 'a', 'ok');
    requests.add(2, 'a', 'ok');
    requests.add(1, 'b', 'error "quoted"\n');
    const kept = requests.cell('c', 'ok');
    kept.value += 5;
    for (const seconds of [0.05, 0.1, 0.5, 3]) latency.observe(seconds, 'a');

    const text = await registry.metrics();
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    const samples = parseMetrics(text);
    expect(sumOf(samples, 'demo_requests_total', { model: 'a', outcome: 'ok' })).toBe(3);
    expect(sumOf(samples, 'demo_requests_total', { model: 'b', outcome: 'error "quoted"\n' })).toBe(1);
    expect(sumOf(samples, 'demo_requests_total', { model: 'c' })).toBe(5);
    // Cumulative buckets: an observation on a bound counts in it.
    const bucket = (le: string) => sumOf(samples, 'demo_latency_seconds_bucket', { model: 'a', le });
    expect([bucket('0.1'), bucket('1'), bucket('+Inf')]).toEqual([2, 3, 4]);
    expect(sumOf(samples, 'demo_latency_seconds_count', { model: 'a' })).toBe(4);
    expect(sumOf(samples, 'demo_latency_seconds_sum', { model: 'a' })).toBeCloseTo(3.65, 10);

    registry.resetMetrics();
    expect(parseMetrics(await registry.metrics())).toEqual([]);
  });
});

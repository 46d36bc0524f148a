/** Latency summary in milliseconds, at sub-millisecond precision. */
export interface LatencySummary {
  p50: number;
  p99: number;
  count: number;
}

/** p50 / p99 of `samples` (ms) by nearest rank. */
export function summarize(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), count: sorted.length };
}

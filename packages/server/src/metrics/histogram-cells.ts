import type { Metric, Registry } from 'prom-client';
import { LabelTree, labelsOf } from './counter-cells.js';

interface HistogramCell {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  readonly counts: number[];
  sum: number;
}

/**
 * A Prometheus histogram family the hot path observes into as plain numbers (see
 * `CounterCells`), exported at scrape time with cumulative `le` buckets, `_sum` and `_count`.
 */
export class HistogramCells {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #cells = new LabelTree<HistogramCell>((values) => ({
    labels: labelsOf(this.labelNames, values),
    counts: new Array<number>(this.buckets.length + 1).fill(0),
    sum: 0,
  }));

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    /** Upper bounds, ascending. */
    readonly buckets: readonly number[],
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** Records `value` in the series of these label values (in `labelNames` order). */
  observe(value: number, ...values: string[]): void {
    const cell = this.#cells.get(values);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    cell.counts[i]! += 1;
    cell.sum += value;
  }

  /** What prom-client's registry reads at scrape time. */
  async get() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const { labels, counts, sum } of this.#cells.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le: bound },
          value: cumulative,
        });
      });
      cumulative += counts[this.buckets.length]!;
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: cumulative,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#cells.clear();
  }
}

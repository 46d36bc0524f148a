import type { Metric, Registry } from 'prom-client';

/** One labelled series of a {@link CounterCells}: the hot path adds to `value`. */
export interface CounterCell {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * A Prometheus counter family the hot path adds to as plain numbers, read by the registry at
 * scrape time. prom-client's own `inc` validates and hashes its label object on every call (about
 * a microsecond, a dozen times a request); here a series is one map lookup by its label values.
 */
export class CounterCells {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly #cells = new LabelTree<CounterCell>((values) => ({
    labels: labelsOf(this.labelNames, values),
    value: 0,
  }));

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** Adds `by` to the series of these label values (in `labelNames` order). */
  add(by: number, ...values: string[]): void {
    this.cell(...values).value += by;
  }

  /** The series of these label values, made at first use (at 0). */
  cell(...values: string[]): CounterCell {
    return this.#cells.get(values);
  }

  /** What prom-client's registry reads at scrape time. */
  async get() {
    const values = [...this.#cells.values()].map(({ labels, value }) => ({ labels, value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#cells.clear();
  }
}

/**
 * Series by their label values, one map level per label: finding a series hashes each value (a
 * catalog id or a constant, whose hash V8 keeps), and never builds a key string on the hot path.
 */
export class LabelTree<T> {
  #root = new Map<string, unknown>();
  readonly #all: T[] = [];

  /** `make` builds a series the first time its label values are seen. */
  constructor(private readonly make: (values: readonly string[]) => T) {}

  get(values: readonly string[]): T {
    let node = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]!) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        node.set(values[i]!, next);
      }
      node = next;
    }
    const key = last < 0 ? '' : values[last]!;
    let leaf = node.get(key) as T | undefined;
    if (leaf === undefined) {
      leaf = this.make(values);
      node.set(key, leaf);
      this.#all.push(leaf);
    }
    return leaf;
  }

  values(): readonly T[] {
    return this.#all;
  }

  clear(): void {
    this.#root = new Map();
    this.#all.length = 0;
  }
}

/** The label set of a series, made once when the series is. */
export function labelsOf(names: readonly string[], values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  names.forEach((name, i) => {
    labels[name] = values[i] ?? '';
  });
  return labels;
}

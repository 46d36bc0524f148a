/** A parsed Stripe form body: nested objects, arrays for indexed keys, string leaves. */
export type StripeParams = { [key: string]: StripeParam };
export type StripeParam = string | StripeParam[] | StripeParams;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses a form-encoded body (or query string) the way Stripe reads it (`qs` bracket notation):
 * `line_items[0][price_data][unit_amount]=500&metadata[userId]=u1&expand[]=line_items` becomes
 * `{ line_items: [{ price_data: { unit_amount: '500' } }], metadata: { userId: 'u1' }, expand: ['line_items'] }`.
 * Leaves stay strings, as Stripe receives them.
 */
export function parseStripeForm(encoded: string | URLSearchParams): StripeParams {
  const root: StripeParams = {};
  const params = typeof encoded === 'string' ? new URLSearchParams(encoded) : encoded;
  for (const [key, value] of params) {
    const path = keyPath(key);
    if (path.some((segment) => UNSAFE_KEYS.has(segment))) continue;
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] === '' ? String(Object.keys(node).length) : path[i]!;
      if (i === path.length - 1) {
        node[segment] = value;
      } else {
        if (!node[segment] || typeof node[segment] !== 'object') node[segment] = {};
        node = node[segment] as Record<string, unknown>;
      }
    }
  }
  return arraysFromIndexes(root) as StripeParams;
}

/** `a[b][0][]` -> `['a', 'b', '0', '']`. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const path = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) path.push(match[1]!);
  return path;
}

/** Objects whose keys are all indexes become arrays, ordered by index. */
function arraysFromIndexes(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => [k, arraysFromIndexes(v)] as const,
  );
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

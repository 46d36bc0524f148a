import {
  EVERY_FIELD_VALUES,
  NASTY_URL_VALUES,
  NASTY_VALUES,
  wholeBodyCases,
  withRawField,
} from './nasty-inputs.js';
import type { RegisteredRoute } from './registered-routes.js';
import { fieldsOf, sampleValid } from './sample-valid.js';
import { hashSeed, type SeededRandom, seededRandom } from './seeded-random.js';

/** One request of the fuzz, without the caller's credentials. */
export interface FuzzCase {
  name: string;
  method: string;
  url: string;
  payload?: string | Buffer;
  /** Sent as `content-type`; none: no header. */
  contentType?: string;
}

/** What the cases of a route are built around. */
export interface FuzzContext {
  seed: number;
  /** Values for `:params` (an existing user's id for `:id`, ...); others get `fuzz`. */
  params: Record<string, string>;
  /** Fields a body needs beyond its schema's shape, by `METHOD /url`. */
  bodyOverrides: Record<string, Record<string, unknown>>;
  bodyLimit: number;
}

const routeKey = (route: RegisteredRoute) => `${route.method} ${route.url}`;
export const takesBody = (route: RegisteredRoute) =>
  ['POST', 'PUT', 'PATCH'].includes(route.method) || route.body !== undefined;

function fillPath(url: string, params: Record<string, string>): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? 'fuzz');
}

function queryString(query: Record<string, string>): string {
  const pairs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/**
 * Bodies around a valid one sampled from the route's schema: wrong as a whole, then each nasty
 * value in a field the generator picks, then the values that must be tried in every field.
 */
function bodyCases(
  route: RegisteredRoute,
  path: string,
  base: unknown,
  random: SeededRandom,
  context: FuzzContext,
) {
  const fields = fieldsOf(route.body);
  const placed = [
    ...NASTY_VALUES.map(([name, raw]) => [fields.length ? random.pick(fields) : 'fuzz', name, raw] as const),
    ...EVERY_FIELD_VALUES.flatMap(([name, raw]) => fields.map((field) => [field, name, raw] as const)),
  ];
  return [
    ...wholeBodyCases(base, context.bodyLimit),
    ...placed.map(([field, name, raw]) => ({
      name: `${field}: ${name}`,
      payload: withRawField(base, field, raw),
      contentType: 'application/json',
    })),
  ].map((c): FuzzCase => ({ method: route.method, url: path, ...c }));
}

/** Query strings around a valid one: each nasty value in a parameter the generator picks, and odd shapes. */
function queryCases(route: RegisteredRoute, path: string, random: SeededRandom): FuzzCase[] {
  const sampled = (route.querystring ? sampleValid(route.querystring) : {}) as Record<string, unknown>;
  const base = Object.fromEntries(
    Object.entries(sampled ?? {}).map(([k, v]) => [k, encodeURIComponent(String(v))]),
  );
  const fields = [...fieldsOf(route.querystring), 'fuzz'];
  const field = random.pick(fields);
  return [
    { name: 'the sampled valid query', url: `${path}${queryString(base)}` },
    ...NASTY_URL_VALUES.map(([name, value]) => {
      const at = random.pick(fields);
      return { name: `?${at}: ${name}`, url: `${path}${queryString({ ...base, [at]: value })}` };
    }),
    { name: `?${field} twice`, url: `${path}?${field}=1&${field}=2` },
    { name: `?${field}[a][b]`, url: `${path}?${field}[a][b]=1&${field}[]=2` },
    { name: 'a 20,000-character query', url: `${path}?${'q'.repeat(20_000)}` },
    { name: 'a NUL in a parameter name', url: `${path}?a%00b=1` },
  ].map((c) => ({ method: route.method, ...c }));
}

/**
 * Every request the fuzz sends one route: the same list for every caller and every run of a
 * seed (each route draws from a generator seeded by the run's seed and its own name).
 */
export function fuzzCases(route: RegisteredRoute, context: FuzzContext): FuzzCase[] {
  const random = seededRandom(hashSeed(routeKey(route), context.seed));
  const path = fillPath(route.url, context.params);
  const base = route.body ? sampleValid(route.body, context.bodyOverrides[routeKey(route)]) : {};
  const cases = takesBody(route)
    ? bodyCases(route, path, base, random, context)
    : queryCases(route, path, random);
  const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  for (const [name, value] of params.length ? NASTY_URL_VALUES : []) {
    const param = random.pick(params);
    cases.push({
      name: `:${param}: ${name}`,
      method: route.method,
      url: fillPath(route.url, { ...context.params, [param]: value }),
      ...(takesBody(route) ? { payload: JSON.stringify(base), contentType: 'application/json' } : {}),
    });
  }
  return cases;
}

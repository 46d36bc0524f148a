import type { FastifyInstance } from 'fastify';
import { badRequest, type HubError } from './hub-error.js';

/**
 * The deepest nesting of arrays and objects a JSON body may have. Legitimate requests stay far
 * below it: a chat message's content parts sit at depth 5, and a JSON schema in `tools` or
 * `response_format` costs two levels per level of the data it describes (OpenAI's structured
 * outputs accept at most 10 levels of it). A body past it is an attack on whatever walks it
 * recursively (a stable stringify, a logger, a zod schema), so it is refused before any does.
 */
export const MAX_JSON_DEPTH = 128;

/** `["messages", 0, "content"]` as the validation errors spell it: `body.messages.0.content`. */
function pathOf(keys: Array<string | number>, parents: number[], index: number): string {
  const parts: Array<string | number> = [];
  for (let i = index; i > 0; i = parents[i]!) parts.push(keys[i]!);
  return ['body', ...parts.reverse()].join('.');
}

/**
 * The first place where a parsed JSON value breaks the hub's input rules (a NUL character in a
 * string or a key, nesting deeper than `maxDepth`), as an error naming it; undefined when none.
 * Breadth first over an explicit queue: no recursion, so no depth can overflow the stack.
 */
export function jsonInputProblem(root: unknown, maxDepth = MAX_JSON_DEPTH): HubError | undefined {
  const values: unknown[] = [root];
  const parents: number[] = [-1];
  const keys: Array<string | number> = [''];
  const depths: number[] = [0];
  const refuse = (index: number, what: string) => {
    const path = pathOf(keys, parents, index);
    return badRequest(`Invalid request: ${path}: ${what}`, { issues: [{ path, message: what }] });
  };
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'string') {
      if (value.includes('\0')) return refuse(i, 'holds a NUL character (\\u0000), which no field accepts');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = depths[i]! + 1;
    if (depth > maxDepth) return refuse(i, `nests arrays and objects deeper than ${maxDepth} levels`);
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, k) => [k, item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      if (typeof key === 'string' && key.includes('\0')) {
        return refuse(i, 'has a field name holding a NUL character (\\u0000)');
      }
      values.push(item);
      parents.push(i);
      keys.push(key);
      depths.push(depth);
    }
  }
  return undefined;
}

/**
 * A fast filter over the JSON text (one that `JSON.parse` accepted): false when it certainly
 * breaks no rule, which is every ordinary body; true sends it to {@link jsonInputProblem}. A NUL
 * can only be the `\u0000` escape (JSON refuses the raw byte); the depth is counted over the
 * text, skipping strings, without allocating.
 */
export function mayBreakInputRules(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  if (text.includes('\\u0000')) return true;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote not escaped (preceded by an even run of backslashes).
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces this context's `application/json` parser with Fastify's own (same prototype-poisoning
 * rules, same body limit) followed by the input rules: a body that breaks them is refused with
 * 400 `validation_error` naming the place before any route's schema or handler sees it. The
 * check costs a scan of the text per body; the walk that names the place runs only for a body
 * the scan flags.
 */
export function installJsonBodyParser(app: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  );
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const problem = mayBreakInputRules(body as string, maxDepth)
        ? jsonInputProblem(value, maxDepth)
        : undefined;
      if (problem) return done(problem, undefined);
      done(null, value);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { hashSeed, seededRandom } from '../../test/fuzz/seeded-random.js';
import { jsonInputProblem, MAX_JSON_DEPTH, mayBreakInputRules } from './json-body-parser.js';

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 1; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return depth > 0 ? { a: value } : value;
};

describe('the JSON input rules', () => {
  it('accept nesting up to the bound and refuse one level more, naming where', () => {
    expect(jsonInputProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(mayBreakInputRules(JSON.stringify(nested(MAX_JSON_DEPTH)))).toBe(false);
    const deep = nested(MAX_JSON_DEPTH + 1);
    expect(mayBreakInputRules(JSON.stringify(deep))).toBe(true);
    const problem = jsonInputProblem(deep);
    expect(problem).toMatchObject({ statusCode: 400, code: 'validation_error' });
    expect(problem!.message.startsWith('Invalid request: body.a.a.0.a.0.a.')).toBe(true);
    expect(problem!.message).toContain(`: nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('refuse a NUL in any string or field name, naming the field', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'user', content: 'a\u0000b' },
      ],
    };
    expect(mayBreakInputRules(JSON.stringify(body))).toBe(true);
    expect(jsonInputProblem(body)?.message).toBe(
      'Invalid request: body.messages.1.content: holds a NUL character (\\u0000), which no field accepts',
    );
    expect(jsonInputProblem(body)?.details).toEqual({
      issues: [
        {
          path: 'body.messages.1.content',
          message: 'holds a NUL character (\\u0000), which no field accepts',
        },
      ],
    });
    expect(jsonInputProblem({ metadata: { 'x\u0000': 1 } })?.message).toContain(
      'body.metadata: has a field name holding a NUL character',
    );
    expect(jsonInputProblem('\u0000')?.message).toContain('body: holds a NUL character');
  });

  it('let through what only looks like a NUL or like nesting', () => {
    // An escaped backslash before "u0000" is six ordinary characters.
    const text = JSON.stringify({ a: '\\u0000' });
    expect(text).toBe('{"a":"\\\\u0000"}');
    expect(jsonInputProblem(JSON.parse(text))).toBeUndefined();
    // Brackets and escaped quotes inside strings are not nesting.
    const brackets = JSON.stringify({ a: `"${'['.repeat(500)}\\"{{{`, b: ['\\', '"[['] });
    expect(mayBreakInputRules(brackets)).toBe(false);
  });

  it('never lets the fast scan miss a body the walk refuses (seeded random bodies)', () => {
    const random = seededRandom(hashSeed('json-input-rules', 1));
    const pieces = ['a', '"', '\\', '[', ']', '{', '}', '\u0000', '\\u0000', 'é', '\ud800'];
    const value = (depth: number): unknown => {
      const kind = random.below(depth > 140 ? 3 : 6);
      if (kind === 0) return random.below(100);
      if (kind === 1 || kind === 2)
        return Array.from({ length: random.below(4) }, () => random.pick(pieces)).join('');
      if (kind === 3) return Array.from({ length: random.below(3) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: random.below(3) }, () => [
          random.pick(pieces) + random.below(9),
          value(depth + 1),
        ]),
      );
    };
    let refused = 0;
    for (let i = 0; i < 1_500; i++) {
      const body = random.below(4) === 0 ? nested(100 + random.below(60), value(0)) : value(0);
      const problem = jsonInputProblem(body);
      if (problem) refused++;
      if (problem) expect(mayBreakInputRules(JSON.stringify(body)), JSON.stringify(body)).toBe(true);
    }
    expect(refused).toBeGreaterThan(50);
  });
});

/**
 * The fuzz's inputs: JSON values (as raw JSON text, so `-0`, `1e999` and lone surrogates reach the
 * server exactly as written), whole bodies that are wrong as a whole, and query/path values.
 */

/** Nesting deeper than any sane request, and than a recursive walk's stack comfortably takes. */
export const DEEP = 5_000;

const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepObject = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;

/** A JSON value put in place of one field (chosen at random): [name, raw JSON text]. */
export const NASTY_VALUES: ReadonlyArray<readonly [string, string]> = [
  // Wrong types.
  ['null', 'null'],
  ['true', 'true'],
  ['zero', '0'],
  ['minus one', '-1'],
  ['empty string', '""'],
  ['empty array', '[]'],
  ['empty object', '{}'],
  ['array of nulls', '[null,null]'],
  ['object for a scalar', '{"value":1}'],
  // Numbers at and past the edges.
  ['minus zero', '-0'],
  ['1e308', '1e308'],
  ['-1e308', '-1e308'],
  ['1e999 (Infinity once parsed)', '1e999'],
  ['2^64', '18446744073709551616'],
  ['2^53 + 1', '9007199254740993'],
  ['2^31', '2147483648'],
  ['smallest denormal', '5e-324'],
  ['a fraction', '0.1'],
  // Numbers in strings.
  ['"NaN"', '"NaN"'],
  ['"Infinity"', '"Infinity"'],
  ['"1"', '"1"'],
  ['"0x10"', '"0x10"'],
  ['"1e999"', '"1e999"'],
  // NUL.
  ['NUL', '"\\u0000"'],
  ['NUL inside', '"a\\u0000b"'],
  ['NUL in a key', '{"\\u0000":1}'],
  ['NUL in an array', '["ok","\\u0000"]'],
  // Unicode.
  ['lone high surrogate', '"\\ud800"'],
  ['lone low surrogate', '"\\udfff"'],
  ['reversed surrogates', '"\\udc00\\ud800"'],
  ['emoji with joiners', JSON.stringify('💩👩‍👩‍👧🏳️‍🌈')],
  ['right-to-left override', '"\\u202egnp.exe"'],
  ['zero-width and BOM', '"\\u200b\\ufeff\\u2060"'],
  ['noncharacters', '"\\uffff\\ufffe\\ud83f\\udffe"'],
  ['combining marks', JSON.stringify(`e${'\u0301'.repeat(2_000)}`)],
  ['C1 controls', '"\\u0085\\u009b\\u001b[31m"'],
  // Size and shape.
  ['100,000 characters', JSON.stringify('a'.repeat(100_000))],
  ['10,000 items', `[${'0,'.repeat(9_999)}0]`],
  ['deep array', deepArray],
  ['deep object', deepObject],
  ['__proto__', '{"__proto__":{"isAdmin":true}}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"isAdmin":true}}}'],
  // Strings that mean something elsewhere.
  ['SQL', `"'; drop table users; --"`],
  ['format and template', `"%s%n%x \${7*7} {{7*7}}"`],
  ['path traversal', '"../../../../etc/passwd"'],
];

/** Values put in place of every field in turn: what a database or a recursive walk may choke on. */
export const EVERY_FIELD_VALUES: ReadonlyArray<readonly [string, string]> = [
  ['NUL inside', '"a\\u0000b"'],
  ['lone high surrogate', '"x\\ud800"'],
  ['deep object', deepObject],
];

const TOKEN = '__fuzz_value__';

/** `base` as JSON text with `field` set to the raw JSON `raw` (added when absent). */
export function withRawField(base: unknown, field: string, raw: string): string {
  const object = base && typeof base === 'object' && !Array.isArray(base) ? base : {};
  return JSON.stringify({ ...object, [field]: TOKEN }).replace(`"${TOKEN}"`, () => raw);
}

/** One request body: JSON text or bytes, and the content type it is sent with (none: no header). */
export interface BodyCase {
  name: string;
  payload?: string | Buffer;
  contentType?: string;
}

/** Bodies that are wrong as a whole, around a `base` body the route would accept. */
export function wholeBodyCases(base: unknown, bodyLimit: number): BodyCase[] {
  const json = JSON.stringify(base ?? {});
  const asJson = (name: string, payload: string | Buffer): BodyCase => ({
    name,
    payload,
    contentType: 'application/json',
  });
  const inner = json.slice(1, -1);
  const withExtra = (raw: string) => withRawField(base, 'fuzzExtra', raw);
  return [
    asJson('the sampled valid body', json),
    { name: 'no body and no content type' },
    asJson('an empty body', ''),
    asJson('whitespace only', ' \n\t '),
    asJson('truncated JSON', json.slice(0, -1)),
    asJson('trailing garbage', `${json} x`),
    asJson('two documents', `${json}${json}`),
    asJson('single quotes', "{'a':1}"),
    asJson('comments', `/* c */${json}`),
    asJson('an array of the body', `[${json}]`),
    asJson('null', 'null'),
    asJson('a number', '1e308'),
    asJson('a string', '"body"'),
    asJson('a raw NUL byte inside a string', `{"a":"x\u0000y"${inner ? `,${inner}` : ''}}`),
    asJson('a raw NUL byte between tokens', `{\u0000${inner}}`),
    asJson('NUL as an extra field', withExtra('"\\u0000"')),
    asJson('NUL in an extra key', json === '{}' ? '{"\\u0000":1}' : `{"\\u0000":1,${inner}}`),
    asJson('NUL deep inside an extra field', withExtra('{"a":[{"b":"ok\\u0000"}]}')),
    asJson('an escaped backslash before u0000 (no NUL)', withExtra('"\\\\u0000"')),
    asJson(
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from(withExtra('"').slice(0, -1)),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
    ),
    asJson('a byte order mark first', `\ufeff${json}`),
    asJson('an extra field nested 5,000 deep', withExtra(deepObject)),
    asJson('an extra array nested 5,000 deep', withExtra(deepArray)),
    asJson('a body nested 5,000 deep', deepArray),
    asJson('duplicate keys', json === '{}' ? '{"a":1,"a":2}' : `${json.slice(0, -1)},${inner}}`),
    asJson('an oversize body', withExtra(JSON.stringify('x'.repeat(bodyLimit + 1)))),
    { name: 'text/plain', payload: json, contentType: 'text/plain' },
    { name: 'form encoded', payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    { name: 'XML', payload: '<a>1</a>', contentType: 'application/xml' },
    { name: 'JSON with a UTF-16 charset', payload: json, contentType: 'application/json; charset=utf-16' },
    { name: 'a malformed content type', payload: json, contentType: 'application/json;;;=' },
    { name: 'a vendor JSON type', payload: json, contentType: 'application/vnd.api+json' },
    { name: 'multipart', payload: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
  ];
}

/** Values for a query parameter or a path segment, already percent-encoded. */
export const NASTY_URL_VALUES: ReadonlyArray<readonly [string, string]> = [
  ['NUL', '%00'],
  ['NUL inside', 'a%00b'],
  ['invalid UTF-8', '%ff%fe'],
  ['a surrogate encoded in UTF-8', '%ed%a0%80'],
  ['a lone percent', '%'],
  ['an empty value', ''],
  ['minus one', '-1'],
  ['minus zero', '-0'],
  ['1e308', '1e308'],
  ['2^64', '18446744073709551616'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['a fraction', '0.5'],
  ['emoji', encodeURIComponent('💩👩‍👩‍👧')],
  ['right-to-left override', encodeURIComponent('\u202etxt')],
  ['a traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['2,000 characters', 'a'.repeat(2_000)],
  ['SQL', encodeURIComponent("' or 1=1 --")],
];

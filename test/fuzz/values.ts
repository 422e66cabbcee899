// Hostile values for the fuzz test (test/fuzz.test.ts): ids, strings, bodies, query strings and headers that
// a client can send. Each generator mixes the world's real ids in, so a case also reaches past the lookups.
import fc from 'fast-check'

/** Names every plain object inherits: a lookup in a `{}` map finds a function instead of nothing. */
export const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__'
]

/** Strings that break naive code: control characters, bidi and zero-width marks, odd Unicode, numbers. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800', // a lone high surrogate
  'x\uDFFFx', // a lone low surrogate
  '\u202Eevil\u202C', // right-to-left override
  '\u200B\u200C\u200D\uFEFF', // zero-width characters only
  '\u0301\u0301', // combining marks with nothing to combine
  '😀👍🏽👨‍👩‍👧',
  'Ω≈ç√∫',
  '田中さんにあげて下さい',
  'ﷺ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '9999999999999999999999999',
  'true',
  'null',
  'undefined',
  '[object Object]',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '${7*7}',
  '{{7*7}}',
  '$where',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV', // a well-formed ULID of nothing
  ...PROTOTYPE_NAMES
]

/** A hostile string: nasty constants, random Unicode, or huge (bounded by `maxHuge`). */
export const hostileString = (maxHuge = 20_000) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('a', '\u0000', '😀', '\u200B', 'é'), fc.integer({ min: 256, max: maxHuge }))
        .map(([unit, n]) => unit.repeat(n))
    }
  )

/** An id as a client may send one: a real one (mine or someone else's) or anything else. */
export const hostileId = (realId: fc.Arbitrary<string>, maxHuge?: number) =>
  fc.oneof(
    { weight: 3, arbitrary: realId },
    { weight: 4, arbitrary: hostileString(maxHuge) },
    { weight: 1, arbitrary: fc.integer().map(String) }
  )

/** Any JSON value, nested a little; deep nesting and wide objects come from `hostileBody`. */
export const anyJson = (strings: fc.Arbitrary<string>) =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      strings,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(strings, fc.constantFrom(...PROTOTYPE_NAMES)), tie('value'), { maxKeys: 3 })
    )
  })).value

const nested = (depth: number) => {
  let value: unknown = 'deep'
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

/** Field names a client should never get to set, or that poison a merge. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$or',
  '$regex',
  'id',
  'password_hash',
  'sender_id',
  'seq',
  'role',
  'banned_at',
  'user_id',
  'owner_id',
  'created_at'
]

/** A body shaped by `shaped` (schema-like objects), or the wrong type entirely. */
export const hostileBody = (shaped: fc.Arbitrary<Record<string, unknown>>, strings: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: shaped },
    {
      weight: 2,
      arbitrary: fc
        .tuple(shaped, fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), anyJson(strings), { maxKeys: 3 }))
        .map(([body, extra]) => ({ ...body, ...extra }))
    },
    { weight: 2, arbitrary: fc.constantFrom<unknown>([], [{}], 'x', 1, 0, -1, null, true, false, '') },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 2000 }).map(nested) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 100, max: 5000 })
        .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))
    },
    { weight: 1, arbitrary: anyJson(strings) }
  )

/** Query keys: Feathers and knex operators, prototype names, nested objects and arrays. */
const QUERY_KEYS = [
  '$limit',
  '$skip',
  '$sort[created_at]',
  '$sort[__proto__]',
  '$select[]',
  '$select[0]',
  '$where',
  '$regex',
  '$or[0][user_id]',
  '$and[0][$ne]',
  '$in[]',
  '$nin',
  '$like',
  '$ilike',
  '$populate',
  '$eager',
  '$modify',
  'q[a]',
  'q[]',
  'q[$ne]',
  'user_id[$ne]',
  'email[$like]',
  'constructor[prototype][x]',
  '__proto__[admin]',
  'a[b][c][d][e][f][g]',
  'limit[]'
]

export const QUERY_VALUES = ['-1', '0', '1', '1000000', '1e309', 'NaN', '', 'true', 'null', '%', '%25%']

/** One `key=value` pair, percent-encoded only where it must be (brackets stay brackets, as clients send them). */
const pair = (key: string, value: string) => `${key}=${encodeLoosely(value)}`

/** encodeURIComponent that survives lone surrogates (sent as the UTF-8 of U+FFFD, as a browser would). */
export const encodeLoosely = (value: string) =>
  encodeURIComponent(
    value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  )

/** Path segments sent as they are: bad percent escapes, an encoded surrogate, NUL, dots, an encoded slash. */
export const RAW_SEGMENTS = [
  '%ED%A0%80',
  '%zz',
  '%',
  '%00',
  '..',
  '%2e%2e',
  '%2F',
  '%2Fetc',
  ';x',
  '%25',
  '%C0%AF'
]

/** A query string from the documented parameters of an operation plus hostile keys and values. */
export const hostileQuery = (documented: string[], values: fc.Arbitrary<string>) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 3, arbitrary: documented.length ? fc.constantFrom(...documented) : fc.constant('q') },
          { weight: 2, arbitrary: fc.constantFrom(...QUERY_KEYS) }
        ),
        fc.oneof(fc.constantFrom(...QUERY_VALUES), values)
      ),
      { maxLength: 4 }
    )
    .map((pairs) => pairs.map(([k, v]) => pair(k, v)).join('&'))

/** Raw query fragments no encoder would produce: bad percent escapes, bare brackets, many repeats. */
export const RAW_QUERIES = [
  '%',
  '%zz',
  'q=%E0%A4%A',
  'q=%ED%A0%80', // a UTF-8-encoded surrogate
  '[]=1',
  '[=1',
  '=&=&=',
  'q[a]=b&q=c',
  Array.from({ length: 200 }, (_, i) => `a[${i}]=1`).join('&'),
  Array.from({ length: 50 }, () => '$limit=1').join('&')
]

export type HeaderSet = Record<string, string>

/** Authorization headers: the right one mostly, else none or something bogus. */
export const authorization = (valid: () => string, bogusTokens: string[]) =>
  fc
    .oneof(
      { weight: 6, arbitrary: fc.constant('valid') },
      { weight: 1, arbitrary: fc.constant('none') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Bearer x.y.z',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
          'Basic YWxpY2U6c2VjcmV0',
          'bearer x',
          `Bearer ${'a'.repeat(6000)}`,
          'Token abc',
          ...bogusTokens.map((t) => `Bearer ${t}`)
        )
      }
    )
    .map((kind) => (kind === 'valid' ? valid() : kind === 'none' ? undefined : kind))

export const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/json; charset=utf-9',
  'application/json; charset=latin1',
  'application/xml',
  'application/vnd.api+json',
  '*/*',
  'garbage'
]

export const CONTENT_ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x-unknown', 'compress']

// For more information about this file see https://dove.feathersjs.com/guides/cli/validators.html
import { Ajv, addFormats } from '@feathersjs/schema'
import type { FormatsPluginOptions, Validator } from '@feathersjs/schema'
import {
  Type,
  StringEnum,
  getValidator,
  type StringOptions,
  type TProperties,
  type TSchema
} from '@feathersjs/typebox'
import { hasVisibleCharacter, isStorableText } from './text'

const formats: FormatsPluginOptions = ['date-time', 'email', 'uri', 'uuid', 'int32', 'int64']

/**
 * `http-url`: an absolute http(s) URL with a host and no credentials, as the WHATWG URL parser (the browser's)
 * reads it. `javascript:`, `data:`, `vbscript:`, `file:`… and `https://trusted@evil.example` are refused, as
 * are whitespace and controls (which the parser would otherwise strip or encode).
 */
const isHttpUrl = (value: string) => {
  if (!/^https?:\/\//i.test(value) || /[\s\p{C}]/u.test(value) || !URL.canParse(value)) return false
  const url = new URL(value)
  return ['http:', 'https:'].includes(url.protocol) && url.hostname !== '' && !url.username && !url.password
}

/** Formats and keywords of this project, on both Ajv instances (a keyword unknown to Ajv is a startup error). */
const withProjectRules = (ajv: Ajv): Ajv => {
  addFormats(ajv, formats)
  ajv.addFormat('http-url', { type: 'string', validate: isHttpUrl })
  ajv.addKeyword({
    keyword: 'storable',
    type: 'string',
    schemaType: 'boolean',
    errors: false,
    validate: (enabled: boolean, value: string) => !enabled || isStorableText(value),
    error: { message: 'must not contain NUL (U+0000) or an unpaired UTF-16 surrogate' }
  })
  ajv.addKeyword({
    keyword: 'visible',
    type: 'string',
    schemaType: 'boolean',
    errors: false,
    validate: (enabled: boolean, value: string) => !enabled || hasVisibleCharacter(value),
    error: { message: 'must contain at least one visible character' }
  })
  return ajv
}

// Data: no coercion, so a number where a string belongs is an error, not a silent conversion.
// removeAdditional stays off: unknown fields are rejected by `additionalProperties: false`, with the field named.
export const dataValidator: Ajv = withProjectRules(new Ajv({ allErrors: true }))

// Query strings arrive as strings over REST: coerce them to the schema's types.
export const queryValidator: Ajv = withProjectRules(new Ajv({ coerceTypes: true, allErrors: true }))

/** Every lazy validator's compile step, compiled already or not (compileAllValidators). */
const compilers: Array<() => unknown> = []

/**
 * `getValidator`, compiled on its first call. Compiling every schema at import took 180–340 ms of CPU at each
 * process start (a fifth of an admin CLI call); now a route's first request compiles its own schemas, a few ms.
 * No schema here uses `$ref`, so the order in which they compile does not matter.
 */
export const lazyValidator = <T = any, R = T>(
  schema: Parameters<typeof getValidator>[0],
  ajv: Ajv
): Validator<T, R> => {
  let compiled: Validator<T, R> | undefined
  const compile = () => (compiled ??= getValidator<T, R>(schema, ajv))
  compilers.push(compile)
  // `schema` as on Ajv's compiled functions: test/text-fields.test.ts walks every validator's schema.
  return Object.assign((data: T) => compile()(data), { schema })
}

/** Compiles every validator made so far: an unknown keyword or format throws here (test/validators.test.ts). */
export const compileAllValidators = () => {
  for (const compile of compilers) compile()
  return compilers.length
}

/**
 * Every string a client sends is declared with Text (never Type.String): PostgreSQL-storable text
 * (src/text.ts), refused with a 400 naming the field otherwise. test/text-fields.test.ts checks every schema.
 */
export const Text = (options: StringOptions<string> = {}) => Type.String({ ...options, storable: true })

/** A display name (user, group): storable text with at least one visible character. */
export const Name = (options: StringOptions<string> = {}) => Text({ ...options, visible: true })

/** An avatar or other link shown to other users: an absolute http(s) URL only. */
export const HttpUrl = (options: StringOptions<string> = {}) => Text({ ...options, format: 'http-url' })

/** `schema` or `null`: the shape of every nullable column. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

// Result fields: what the server sends (plain Type.String: these are never validated against client input).

/** An ISO 8601 timestamp, as PostgreSQL's timestamptz columns leave the server. */
export const DateTime = (options: StringOptions<string> = {}) =>
  Type.String({ ...options, format: 'date-time' })

/** `StringEnum` with a description (its own options only take a default). */
export const Enum = <T extends string[]>(values: [...T], description: string) =>
  Object.assign(StringEnum(values), { description })

/**
 * The page shape of every list (SPEC part 2): the items, the limit used, whether another page exists in the
 * direction of travel, and the route's own cursor fields (`order`, `skip`, …) in `cursor`.
 */
export const Page = <T extends TSchema, C extends TProperties = Record<never, TSchema>>(
  item: T,
  $id: string,
  hasMore: string,
  cursor: C = {} as C
) =>
  Type.Object(
    {
      data: Type.Array(item),
      limit: Type.Integer(),
      has_more: Type.Boolean({ description: hasMore }),
      ...cursor
    },
    { $id, additionalProperties: false }
  )

/**
 * The page of an offset-paginated list (the chat list, user search): `Page` with the `skip` it was asked for.
 * No `total`: the server reads `limit + 1` rows to know whether there is more, and never counts.
 */
export const OffsetPage = <T extends TSchema>(item: T, $id: string) =>
  Page(item, $id, 'Whether another page exists: ask again with `$skip` = `skip` + `limit`', {
    skip: Type.Integer({ description: 'Items skipped before this page (`$skip`)' })
  })

/** The TypeScript shape of an `OffsetPage` of `T`. */
export interface OffsetPaged<T> {
  data: T[]
  limit: number
  skip: number
  has_more: boolean
}

/** The page of `rows`, read with `LIMIT limit + 1 OFFSET skip`: the extra row only says there is more. */
export const offsetPage = <T>(rows: T[], limit: number, skip: number): OffsetPaged<T> => ({
  data: rows.slice(0, limit),
  limit,
  skip,
  has_more: rows.length > limit
})

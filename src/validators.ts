// For more information about this file see https://dove.feathersjs.com/guides/cli/validators.html
import { Ajv, addFormats } from '@feathersjs/schema'
import type { FormatsPluginOptions } from '@feathersjs/schema'
import { Type, type TSchema } from '@feathersjs/typebox'

const formats: FormatsPluginOptions = ['date-time', 'email', 'uri', 'uuid', 'int32', 'int64']

// Data: no coercion, so a number where a string belongs is an error, not a silent conversion.
// removeAdditional stays off: unknown fields are rejected by `additionalProperties: false`, with the field named.
export const dataValidator: Ajv = addFormats(new Ajv({ allErrors: true }), formats)

// Query strings arrive as strings over REST: coerce them to the schema's types.
export const queryValidator: Ajv = addFormats(new Ajv({ coerceTypes: true, allErrors: true }), formats)

/** `schema` or `null`: the shape of every nullable column. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

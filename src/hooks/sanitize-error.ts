// App-level error hook: what a client sees of a failure. Knex appends the SQL to error messages and
// PostgreSQL messages name tables and constraints, so database errors get a plain message; a unique
// violation is a 409; anything that is not a Feathers error, and any 500, becomes a plain 500 without its
// message, data or stack.
import { BadRequest, Conflict, FeathersError, GeneralError, Unavailable } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { databaseError } from './conflict-on-duplicate'

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '08006',
  '08001'
])

/** "email must match format \"email\"; evil is not allowed": AJV errors turned into a sentence naming fields. */
export const describeValidationErrors = (errors: any[]) =>
  [
    ...new Set(
      errors.map((e) => {
        const field = String(e.instancePath ?? '')
          .replace(/^\//, '')
          .replace(/\//g, '.')
        const prefix = field ? `${field}.` : ''
        if (e.keyword === 'additionalProperties')
          return `${prefix}${e.params.additionalProperty} is not allowed`
        if (e.keyword === 'required') return `${prefix}${e.params.missingProperty} is required`
        return `${field || 'body'} ${e.message}`
      })
    )
  ].join('; ')

const isValidationError = (error: any) =>
  error instanceof BadRequest &&
  Array.isArray(error.data) &&
  error.data.length > 0 &&
  error.data.every((e: any) => typeof e?.instancePath === 'string')

export const toClientError = (error: any): FeathersError => {
  if (isValidationError(error)) {
    error.message = `Invalid data: ${describeValidationErrors(error.data)}`
    return error
  }
  const db = databaseError(error)
  if (db?.code) {
    if (db.code === '23505') return new Conflict('A record with these values already exists')
    if (db.code === '23503') return new BadRequest('A referenced record does not exist')
    if (db.code.startsWith('22') || db.code.startsWith('23')) return new BadRequest('Invalid data')
    if (CONNECTION_CODES.has(db.code)) return new Unavailable('Database unavailable, try again shortly')
    return new GeneralError('Internal server error')
  }
  const lostConnection = /Connection terminated|connect ECONNREFUSED|Timeout acquiring a connection/i
  if (
    error?.name === 'KnexTimeoutError' ||
    CONNECTION_CODES.has(error?.code) ||
    lostConnection.test(error?.message)
  ) {
    return new Unavailable('Database unavailable, try again shortly')
  }
  // A library's 500 (a GeneralError wrapping whatever failed) may name internals in its message or data.
  if (error instanceof FeathersError && error.code !== 500) return error
  return new GeneralError('Internal server error')
}

export const sanitizeError = async (context: HookContext) => {
  const original = context.error
  const clean = toClientError(original)
  if (clean !== original && !clean.cause) {
    // Kept for the log only: `cause` is not part of a Feathers error's JSON.
    Object.defineProperty(clean, 'cause', { value: original, enumerable: false })
  }
  context.error = clean
}

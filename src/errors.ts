// The project's errors in one place: the HTTP errors @feathersjs/errors does not define, the factories for
// the errors services and hooks throw (`*NotFound`, 429), how to read the PostgreSQL error behind a Feathers
// error, and what a client sees of a failure (`toClientError`, used by the error hook, the HTTP error
// middleware and the CLI). Nothing here imports hooks or services: every layer may import this file.
import {
  BadRequest,
  Conflict,
  FeathersError,
  GeneralError,
  NotFound,
  TooManyRequests,
  Unavailable
} from '@feathersjs/errors'
import { ERROR } from '@feathersjs/knex'
import type { RateLimiterRes } from 'rate-limiter-flexible'

export class PayloadTooLarge extends FeathersError {
  constructor(message = 'Request body is too large', data?: unknown) {
    super(message, 'PayloadTooLarge', 413, 'payload-too-large', data)
  }
}

export class UnsupportedMediaType extends FeathersError {
  constructor(message: string, data?: unknown) {
    super(message, 'UnsupportedMediaType', 415, 'unsupported-media-type', data)
  }
}

export class RangeNotSatisfiable extends FeathersError {
  constructor(message: string, data?: unknown) {
    super(message, 'RangeNotSatisfiable', 416, 'range-not-satisfiable', data)
  }
}

// Non-members get the same 404 as for a record that does not exist, so existence is not disclosed.
export const chatNotFound = () => new NotFound('Chat not found')
export const fileNotFound = () => new NotFound('File not found')
export const groupNotFound = () => new NotFound('Group not found')
export const messageNotFound = () => new NotFound('Message not found')
export const memberNotFound = () => new NotFound('Member not found')
export const userNotFound = () => new NotFound('User not found')
export const incomingWebhookNotFound = () => new NotFound('Incoming webhook not found')

/** The 429 for a spent budget, with the whole seconds to wait (at least 1) as `data.retryAfter`. */
export const tooManyRequests = (refusal: RateLimiterRes) => {
  const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))
  return new TooManyRequests(`Too many requests, retry in ${retryAfter} s`, { retryAfter })
}

/** The PostgreSQL error behind a Feathers error (the knex adapter keeps it under the ERROR symbol). */
export const databaseError = (error: any): { code?: string; constraint?: string } | undefined =>
  error?.[ERROR] ?? (typeof error?.code === 'string' && error?.routine ? error : undefined)

/** Runs `fn` again (twice at most) when PostgreSQL chose it as a deadlock's victim (SQLSTATE 40P01). */
export const retryDeadlock = async <T>(fn: () => Promise<T>, tries = 3): Promise<T> => {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (error) {
      if (i >= tries || databaseError(error)?.code !== '40P01') throw error
    }
  }
}

/** PostgreSQL reports a unique violation as SQLSTATE 23505. */
export const isUniqueViolation = (error: any): boolean => databaseError(error)?.code === '23505'

// SQLSTATE classes that describe the server, not the statement's data: connection exception, insufficient
// resources, operator intervention (shutdown, cancel: a statement_timeout is 57014), system error.
const SERVER_CLASSES = new Set(['08', '53', '57', '58'])
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])
// Errors of node-postgres and knex that carry no code: a dropped connection, an empty pool, pg's own
// `query_timeout` ("Query read timeout").
const LOST_CONNECTION =
  /Connection terminated|connect ECONNREFUSED|Timeout acquiring a connection|connection is closed|Query read timeout/i

/**
 * Whether a failure says the database is unreachable, overloaded or did not answer in time, rather than
 * anything about the statement or its data. Clients then get 503 (retry shortly); the message writer fails
 * the whole batch instead of storing each message alone.
 */
export const isDatabaseUnavailable = (error: any): boolean => {
  if (error?.name === 'KnexTimeoutError') return true
  const code = databaseError(error)?.code ?? error?.code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CLASSES.has(code.slice(0, 2))))
    return true
  return LOST_CONNECTION.test(String(error?.message))
}

const databaseUnavailable = () => new Unavailable('Database unavailable, try again shortly')

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

/**
 * What a client sees of a failure. Knex appends the SQL to error messages and PostgreSQL messages name tables
 * and constraints, so database errors get a plain message; a unique violation is a 409; an unavailable
 * database is a 503; anything that is not a Feathers error, and any 500, becomes a plain 500 without its
 * message, data or stack.
 */
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
    return isDatabaseUnavailable(error) ? databaseUnavailable() : new GeneralError('Internal server error')
  }
  // A Feathers error other than a 500 was thrown on purpose: its message is meant for the client.
  if (!(error instanceof FeathersError && error.code !== 500) && isDatabaseUnavailable(error)) {
    return databaseUnavailable()
  }
  // A library's 500 (a GeneralError wrapping whatever failed) may name internals in its message or data.
  if (error instanceof FeathersError && error.code !== 500) return error
  return new GeneralError('Internal server error')
}

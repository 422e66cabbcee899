// PostgreSQL reports a unique violation as SQLSTATE 23505; the knex adapter turns it into a 400. A duplicate
// is a 409 Conflict, with a message that names what collided instead of the SQL.
import { Conflict } from '@feathersjs/errors'
import { ERROR } from '@feathersjs/knex'
import type { HookContext } from '../declarations'

/** The PostgreSQL error behind a Feathers error (the knex adapter keeps it under the ERROR symbol). */
export const databaseError = (error: any): { code?: string; constraint?: string } | undefined =>
  error?.[ERROR] ?? (typeof error?.code === 'string' && error?.routine ? error : undefined)

export const isUniqueViolation = (error: any): boolean => databaseError(error)?.code === '23505'

export const conflictOnDuplicate = (message: string) => async (context: HookContext) => {
  // The inner service's error hook may already have made it a (generic) Conflict.
  if (isUniqueViolation(context.error) || context.error?.code === 409) context.error = new Conflict(message)
}

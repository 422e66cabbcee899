// PostgreSQL reports a unique violation as SQLSTATE 23505; the knex adapter turns it into a 400. A duplicate
// is a 409 Conflict, with a message that names what collided instead of the SQL.
import { Conflict } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { isUniqueViolation } from '../errors'

export const conflictOnDuplicate = (message: string) => async (context: HookContext) => {
  // The inner service's error hook may already have made it a (generic) Conflict.
  if (isUniqueViolation(context.error) || context.error?.code === 409) context.error = new Conflict(message)
}

// An id is a string (or a number; null for the adapters' multi calls). Over Socket.IO a client can send any
// JSON as the id: an object whose `toString` is not a function failed in the first template string that
// read it ("Cannot convert object to primitive value"), a 500. Runs with the other shape checks, first.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

const WITH_ID = new Set(['get', 'update', 'patch', 'remove'])

export const requireScalarId = async (context: HookContext, next: NextFunction) => {
  if (context.params.provider && WITH_ID.has(context.method)) {
    const { id } = context
    if (id !== null && id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
      throw new BadRequest('Invalid id: it must be a string')
    }
  }
  await next()
}

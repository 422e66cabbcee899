// Every body a client sends to create, update or patch must be a JSON object. Hooks and services read
// `context.data.field`; an array, a string or a number there used to reach them and fail as a 500 (or pass
// as a multi-create). Runs first of all hooks (app-level around), before anything reads the data.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

const WRITES = new Set(['create', 'update', 'patch'])

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)

export const requireObjectData = async (context: HookContext, next: NextFunction) => {
  if (context.params.provider && WRITES.has(context.method)) {
    // No body at all is an empty one, as REST already makes it: Socket.IO sends a missing argument as null.
    if (context.data === undefined || context.data === null) context.data = {}
    else if (!isPlainObject(context.data)) {
      const kind = Array.isArray(context.data) ? 'an array' : `a ${typeof context.data}`
      throw new BadRequest(`Invalid data: the body must be a JSON object, not ${kind}`)
    }
  }
  await next()
}

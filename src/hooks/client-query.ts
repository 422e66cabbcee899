// A narrower query schema for calls from clients (REST, Socket.IO) than for internal calls: a service may
// filter on a field internally (the login looks users up by email) that a client must not filter on,
// because the answer would reveal a field the client cannot see.
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Validator } from '@feathersjs/schema'
import type { HookContext } from '../declarations'

export const validateClientQuery = (validator: Validator) => {
  const validate = schemaHooks.validateQuery(validator)
  return async (context: HookContext) => {
    if (context.params.provider) await validate(context)
  }
}

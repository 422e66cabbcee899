// The id an authorization hook checks, from the route of a nested service (`api/chats/:chat_id/...`).
// REST always has it; a Socket.IO call that forgot `params.route` is a client mistake, so it gets a 400 naming
// the parameter rather than the 404 of a chat that does not exist. Such a call names the service by its
// template path, and the router then matches the placeholder itself: `chat_id` is the text ":chat_id".
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'

export const routeParam = (context: HookContext, name: string): string => {
  const value = context.params.route?.[name]
  if (value === undefined || value === null || value === '' || value === `:${name}`) {
    const message = `is required (over Socket.IO, pass it as params.route.${name})`
    throw new BadRequest(`Invalid route: ${name} ${message}`, [{ instancePath: `/route/${name}`, message }])
  }
  return String(value)
}

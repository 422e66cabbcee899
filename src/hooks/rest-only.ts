// For services that only make sense over HTTP: a byte stream (file content) or a multipart body (uploads).
// Any other transport (Socket.IO) is refused before the service opens anything, with a 405 naming it.
// Internal calls (no provider: CLI, nested calls) pass.
import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext } from '../declarations'

export const restOnly = async (context: HookContext) => {
  const { provider } = context.params
  if (provider && provider !== 'rest') {
    throw new MethodNotAllowed(`${context.path} is available only over HTTP (REST), not over ${provider}`, {
      transport: provider
    })
  }
}

// App-level error hook: what a client sees of a failure is decided by toClientError (src/errors.ts, shared
// with the HTTP error middleware and the CLI); the original stays on the error for the log.
import type { HookContext } from '../declarations'
import { toClientError } from '../errors'

export const sanitizeError = async (context: HookContext) => {
  const original = context.error
  const clean = toClientError(original)
  if (clean !== original && !clean.cause) {
    // Kept for the log only: `cause` is not part of a Feathers error's JSON.
    Object.defineProperty(clean, 'cause', { value: original, enumerable: false })
  }
  context.error = clean
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/log-error.html
// Logs unexpected failures with their stack; expected client errors (4xx) are the request log's business.
import type { HookContext, NextFunction } from '../declarations'

export const logError = async (context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (error: any) {
    const code = typeof error?.code === 'number' ? error.code : 500
    if (code >= 500) {
      context.app
        .get('logger')
        ?.error({ err: error, path: context.path, method: context.method }, 'unexpected error')
    }
    throw error
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/log-error.html
// Logs unexpected failures with their stack; expected client errors (4xx) are the request log's business.
import type { HookContext, NextFunction } from '../declarations'

export const logError = async (context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (error: any) {
    const code = typeof error?.code === 'number' ? error.code : 500
    // Only client calls log: a nested internal call's failure reaches the outer call anyway, and the CLI
    // reports its own errors. `cause` is the original error behind a sanitized one.
    if (code >= 500 && context.params.provider) {
      const level = code === 503 ? 'warn' : 'error'
      context.app
        .get('logger')
        ?.[level](
          { err: error, cause: error?.cause, path: context.path, method: context.method },
          'service call failed'
        )
    }
    throw error
  }
}

// Koa error handler (replaces @feathersjs/koa's errorHandler): Feathers-shaped JSON for every failure,
// including ones outside services (malformed JSON, oversize bodies, unknown routes), with no SQL or stack.
import { FeathersError, BadRequest, NotFound, GeneralError } from '@feathersjs/errors'
import type { Middleware } from 'koa'
import type { Logger } from 'pino'
import { PayloadTooLarge, toClientError } from '../errors'

/** Errors thrown by Koa middleware (koa-body, http-errors) carry an HTTP `status`. */
const fromHttpError = (error: any): FeathersError | undefined => {
  if (error instanceof FeathersError || typeof error?.status !== 'number') return undefined
  if (error.status === 413) return new PayloadTooLarge()
  if (error.status === 400 || error.status === 415 || error.status === 422) {
    return new BadRequest('Malformed request body: it must be valid JSON')
  }
  if (error.status === 404) return new NotFound('Not found')
  return new GeneralError('Internal server error')
}

export const httpErrors =
  (logger: Logger): Middleware =>
  async (ctx, next) => {
    try {
      await next()
      if (ctx.body === undefined && ctx.status === 404) throw new NotFound(`Path ${ctx.path} not found`)
    } catch (thrown: any) {
      const error = fromHttpError(thrown) ?? toClientError(thrown)
      // Service failures are logged by the logError hook; this catches failures outside services.
      if (error.code >= 500 && !(thrown instanceof FeathersError)) {
        logger.error({ err: thrown, path: ctx.path }, 'request failed')
      }
      const retryAfter = (error.data as any)?.retryAfter
      if (retryAfter) ctx.set('Retry-After', String(retryAfter))
      ctx.status = error.code
      ctx.body = error.toJSON()
    }
  }

/**
 * Koa's own `error` event: failures after the middleware chain, mostly a connection the client dropped mid
 * request (aborted upload, parse error at end of stream). Logged as pino lines instead of Koa's default
 * stack trace on stderr; a dropped client is no server fault, so it is only a debug line.
 */
export const koaErrorListener = (logger: Logger) => (error: any) => {
  const clientGone =
    error?.code === 'ECONNRESET' || error?.code?.startsWith?.('HPE_') || error?.code === 'EPIPE'
  if (clientGone) logger.debug({ err: error }, 'client connection failed')
  else logger.error({ err: error }, 'request failed after the response')
}

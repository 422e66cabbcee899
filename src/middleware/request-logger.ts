// One log line per HTTP request. The path is logged without its query string, which may hold tokens, and
// without the secret of an incoming webhook's URL (`/api/hooks/<token>`).
import type { Middleware } from 'koa'
import type { Logger } from 'pino'

/** The path as it may be logged: an incoming webhook's secret is replaced by its placeholder. */
export const loggablePath = (path: string) => path.replace(/^\/api\/hooks\/[^/]+/, '/api/hooks/:token')

export const requestLogger =
  (logger: Logger): Middleware =>
  async (ctx, next) => {
    const start = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      const level = ctx.status >= 500 && ctx.status !== 503 ? 'error' : ctx.status === 503 ? 'warn' : 'info'
      logger[level](
        {
          method: ctx.method,
          path: loggablePath(ctx.path),
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          ip: ctx.ip
        },
        'request'
      )
    }
  }

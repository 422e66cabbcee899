// Puts the client IP into the Feathers params of REST calls (Koa's ctx.feathers becomes params), for rate limits.
import type { Middleware } from 'koa'

export const clientIp = (): Middleware => async (ctx, next) => {
  ;(ctx as any).feathers = { ...(ctx as any).feathers, ip: ctx.ip }
  await next()
}

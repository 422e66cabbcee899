// Puts the client IP into the Feathers params of REST calls (Koa's ctx.feathers becomes params), for rate limits.
import type { Middleware } from 'koa'
import type { Socket } from 'socket.io'

export const clientIp = (): Middleware => async (ctx, next) => {
  ;(ctx as any).feathers = { ...(ctx as any).feathers, ip: ctx.ip }
  await next()
}

/**
 * The client address of a Socket.IO connection, as Koa's `ctx.ip` finds it for REST: behind a trusted proxy
 * (TRUST_PROXY) the first X-Forwarded-For entry, else the peer address.
 */
export const socketClientIp = (socket: Socket, trustProxy: boolean) => {
  const forwarded = socket.handshake.headers['x-forwarded-for']
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  return (trustProxy && first) || socket.handshake.address
}

// Puts the client IP into the Feathers params of REST calls (Koa's ctx.feathers becomes params), for rate limits.
import type { Middleware } from 'koa'
import type { Socket } from 'socket.io'

export const clientIp = (): Middleware => async (ctx, next) => {
  ;(ctx as any).feathers = { ...(ctx as any).feathers, ip: ctx.ip }
  await next()
}

/**
 * The client address of a Socket.IO connection, as Koa's `ctx.ip` finds it for REST (app.ts sets
 * `maxIpsCount = 1`): behind a trusted proxy (TRUST_PROXY) the last X-Forwarded-For entry, the one the load
 * balancer appended (earlier entries are whatever the client wrote), else the peer address.
 */
export const socketClientIp = (socket: Socket, trustProxy: boolean) => {
  const forwarded = socket.handshake.headers['x-forwarded-for']
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim()
  return (trustProxy && last) || socket.handshake.address
}

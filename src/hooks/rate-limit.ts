// Rate limits (rate-limiter-flexible): in Redis when it is configured, so every instance counts together,
// with an in-process limiter as insurance while Redis is down; in process otherwise. A refused call is a
// 429 TooManyRequests whose `data.retryAfter` (seconds) also becomes the HTTP `Retry-After` header.
import { TooManyRequests } from '@feathersjs/errors'
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract
} from 'rate-limiter-flexible'
import type { Application, HookContext } from '../declarations'

declare module '../declarations' {
  interface Configuration {
    rateLimiters: ReturnType<typeof createRateLimiters>
  }
}

export const createRateLimiters = (app: Application) => {
  const limits = app.get('limits')
  const redis = app.get('redisClient')
  const prefix = `${app.get('redis').keyPrefix}rl:`
  const limiter = (points: number, duration: number, name: string): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration, keyPrefix: name })
    if (!redis) return memory
    return new RateLimiterRedis({
      storeClient: redis,
      points,
      duration,
      keyPrefix: `${prefix}${name}`,
      insuranceLimiter: memory
    })
  }
  return {
    loginByIp: limiter(limits.loginPerIpPerMinute, 60, 'login-ip'),
    loginByEmail: limiter(limits.loginPerEmailPerMinute, 60, 'login-email'),
    registerByIp: limiter(limits.registerPerIpPerMinute, 60, 'register-ip'),
    messagesByUser: limiter(limits.messagesPerUserPer10s, 10, 'messages-user'),
    uploadsByUser: limiter(limits.uploadsPerUserPerMinute, 60, 'uploads-user'),
    // Per connection: only ever counted on the instance holding the socket.
    socketEvents: new RateLimiterMemory({
      points: limits.socketEventsPerSecond,
      duration: 1,
      keyPrefix: 'socket'
    })
  }
}

/** The 429 for a spent budget, with the whole seconds to wait (at least 1) as `data.retryAfter`. */
export const tooManyRequests = (refusal: RateLimiterRes) => {
  const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))
  return new TooManyRequests(`Too many requests, retry in ${retryAfter} s`, { retryAfter })
}

/** Consumes one point; throws 429 with the seconds to wait when the budget is spent. */
export const consume = async (limiter: RateLimiterAbstract, key: string) => {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
    throw tooManyRequests(error)
  }
}

// Internal calls (CLI, tests through app.service) are not limited: only clients are.
export const rateLimitLogin = async (context: HookContext) => {
  const { provider, ip } = context.params
  if (!provider || context.data?.strategy !== 'local') return
  const limiters = context.app.get('rateLimiters')
  await consume(limiters.loginByIp, ip ?? 'unknown')
  await consume(
    limiters.loginByEmail,
    String(context.data.email ?? '')
      .trim()
      .toLowerCase()
  )
}

export const rateLimitRegister = async (context: HookContext) => {
  if (!context.params.provider) return
  await consume(context.app.get('rateLimiters').registerByIp, context.params.ip ?? 'unknown')
}

export const rateLimitMessages = async (context: HookContext) => {
  if (!context.params.provider || !context.params.user) return
  await consume(context.app.get('rateLimiters').messagesByUser, context.params.user.user_id)
}

/** Every upload attempt counts, refused ones included: the bytes were sent either way. */
export const rateLimitUploads = async (context: HookContext) => {
  if (!context.params.provider || !context.params.user) return
  await consume(context.app.get('rateLimiters').uploadsByUser, context.params.user.user_id)
}

// Rate limits (rate-limiter-flexible): in Redis when it is configured, so every instance counts together,
// with an in-process limiter as insurance while Redis is down; in process otherwise. A refused call is a
// 429 TooManyRequests whose `data.retryAfter` (seconds) also becomes the HTTP `Retry-After` header.
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract
} from 'rate-limiter-flexible'
import type { Application, HookContext } from '../declarations'
import { tooManyRequests } from '../errors'

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
    loginByEmailAndIp: limiter(limits.loginPerEmailAndIpPerMinute, 60, 'login-email-ip'),
    loginByEmail: limiter(limits.loginPerEmailPerMinute, 60, 'login-email'),
    registerByIp: limiter(limits.registerPerIpPerMinute, 60, 'register-ip'),
    userSearchByUser: limiter(limits.userSearchPerUserPerMinute, 60, 'user-search'),
    messagesByUser: limiter(limits.messagesPerUserPer10s, 10, 'messages-user'),
    connectionsByIp: limiter(limits.connectionsPerIpPerMinute, 60, 'connections-ip'),
    uploadsByUser: limiter(limits.uploadsPerUserPerMinute, 60, 'uploads-user'),
    incomingWebhookPosts: limiter(limits.incomingWebhookPostsPerMinute, 60, 'incoming-webhook'),
    // Per connection: only ever counted on the instance holding the socket.
    socketEvents: new RateLimiterMemory({
      points: limits.socketEventsPerSecond,
      duration: 1,
      keyPrefix: 'socket'
    })
  }
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

/** Past the per-email budget each attempt waits longer: 250 ms per attempt over it, up to `maxMs`. */
export const loginDelayMs = (attemptsOver: number, maxMs: number) =>
  Math.min(maxMs, Math.max(0, attemptsOver) * 250)

/** Counts one attempt; when the budget is spent, waits (growing) instead of refusing. */
const slowDown = async (limiter: RateLimiterAbstract, key: string, maxMs: number) => {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
    await new Promise((resolve) =>
      setTimeout(resolve, loginDelayMs(error.consumedPoints - limiter.points, maxMs))
    )
  }
}

/**
 * Password guessing is refused per client IP and per (email, client IP); per email alone it is only slowed
 * down (OWASP: lock-outs let anyone lock a user out). An attacker hammering an account gets 429 at their
 * address, while its owner, from any other address, still logs in. Internal calls (CLI, tests through
 * app.service) are not limited: only clients are.
 */
export const rateLimitLogin = async (context: HookContext) => {
  const { provider, ip } = context.params
  if (!provider || context.data?.strategy !== 'local') return
  const limiters = context.app.get('rateLimiters')
  const client = ip ?? 'unknown'
  const email = String(context.data.email ?? '')
    .trim()
    .toLowerCase()
    .slice(0, 254)
  await consume(limiters.loginByIp, client)
  await consume(limiters.loginByEmailAndIp, `${client}/${email}`)
  await slowDown(limiters.loginByEmail, email, context.app.get('limits').loginSlowdownMaxMs)
}

export const rateLimitRegister = async (context: HookContext) => {
  if (!context.params.provider) return
  await consume(context.app.get('rateLimiters').registerByIp, context.params.ip ?? 'unknown')
}

// A search is a question about other people's accounts: one budget per user bounds how fast it can be asked.
export const rateLimitUserSearch = async (context: HookContext) => {
  if (!context.params.provider || !context.params.user) return
  await consume(context.app.get('rateLimiters').userSearchByUser, context.params.user.user_id)
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

/** Posts to an incoming webhook's URL: one budget per webhook, whoever holds its secret. */
export const rateLimitIncomingWebhook = async (context: HookContext) => {
  const hook = context.params.incomingWebhook
  if (!context.params.provider || !hook) return
  await consume(context.app.get('rateLimiters').incomingWebhookPosts, hook.incoming_webhook_id)
}

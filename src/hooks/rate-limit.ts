// Rate limits for the account endpoints (rate-limiter-flexible, in process for now). A refused call is a
// 429 TooManyRequests whose `data.retryAfter` (seconds) also becomes the HTTP `Retry-After` header.
import { TooManyRequests } from '@feathersjs/errors'
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type { Application, HookContext } from '../declarations'

declare module '../declarations' {
  interface Configuration {
    rateLimiters: ReturnType<typeof createRateLimiters>
  }
}

export const createRateLimiters = (app: Application) => {
  const limits = app.get('limits')
  const perMinute = (points: number, keyPrefix: string) =>
    new RateLimiterMemory({ points, duration: 60, keyPrefix })
  return {
    loginByIp: perMinute(limits.loginPerIpPerMinute, 'login-ip'),
    loginByEmail: perMinute(limits.loginPerEmailPerMinute, 'login-email'),
    registerByIp: perMinute(limits.registerPerIpPerMinute, 'register-ip')
  }
}

const consume = async (limiter: RateLimiterMemory, key: string) => {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
    const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
    throw new TooManyRequests(`Too many attempts, retry in ${retryAfter} s`, { retryAfter })
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

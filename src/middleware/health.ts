// GET /health: 200 when PostgreSQL answers within a second (status `degraded` if Redis is configured but
// down), 503 otherwise; 503 `saturated` too when every admission slot has been held for `admissionStallMs`
// without a call finishing (the instance accepts connections but cannot serve them). Used by load balancers.
import type { Middleware } from 'koa'
import type { Application } from '../declarations'
import { isReady } from '../redis'

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())
  ])

export const checkDatabase = async (app: Application) => {
  try {
    await withTimeout(app.get('postgresqlClient').raw('select 1'), 1000)
    return 'up'
  } catch {
    return 'down'
  }
}

export const health =
  (app: Application): Middleware =>
  async (ctx, next) => {
    if (ctx.path !== '/health' || ctx.method !== 'GET') return next()
    const database = await checkDatabase(app)
    const client = app.get('redisClient')
    const redis = !client ? 'not_configured' : isReady(client) ? 'up' : 'down'
    const admission = app.get('admission').stats()
    const stuck = admission.stalledMs >= app.get('limits').admissionStallMs
    // Without Redis an instance still serves its own clients: degraded, but in service (200).
    const status =
      database !== 'up' ? 'unavailable' : stuck ? 'saturated' : redis === 'down' ? 'degraded' : 'ok'
    ctx.status = database === 'up' && !stuck ? 200 : 503
    ctx.body = {
      status,
      database,
      redis,
      admission: { running: admission.running, waiting: admission.waiting, stalled_ms: admission.stalledMs },
      uptime_s: Math.round(process.uptime())
    }
  }

// GET /health: 200 when PostgreSQL answers within a second (status `degraded` if Redis is configured but
// down), 503 otherwise; 503 `saturated` too when every admission slot has been held for `admissionStallMs`
// without a call finishing (the instance accepts connections but cannot serve them). Used by load balancers.
import type { Middleware } from 'koa'
import type { Application } from '../declarations'
import { isPgClient } from '../postgresql'
import { isReady } from '../redis'

// knex's timeout answers at the deadline and has the pool destroy the connection rather than lend it again
// (no cancel: on a stalled network the cancelling connection would hang as well). PGlite runs in this
// process: nothing to stall, and its one connection must not be discarded.
export const checkDatabase = async (app: Application) => {
  const db = app.get('postgresqlClient')
  try {
    await (isPgClient(db) ? db.raw('select 1').timeout(1000) : db.raw('select 1'))
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

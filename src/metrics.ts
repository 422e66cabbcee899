// Prometheus metrics (prom-client) on GET /metrics. One registry per app, so several instances in one
// process (tests) do not share counters.
import type { Middleware } from 'koa'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Application, HookContext, NextFunction } from './declarations'
import { isReady } from './redis'

declare module './declarations' {
  interface Configuration {
    metrics: ReturnType<typeof createMetrics>
  }
}

const createMetrics = (app: Application) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const pool = () => (app.get('postgresqlClient')?.client as any)?.pool
  return {
    registry,
    connections: new Gauge({
      name: 'chat_socket_connections',
      help: 'Open real-time connections',
      registers: [registry]
    }),
    authenticatedUsers: new Gauge({
      name: 'chat_authenticated_users',
      help: 'Users with at least one authenticated connection on this instance',
      registers: [registry],
      collect() {
        this.set(countUsers(app))
      }
    }),
    eventsPublished: new Counter({
      name: 'chat_events_published_total',
      help: 'Service events published to at least one connection',
      labelNames: ['path', 'event'],
      registers: [registry]
    }),
    messagesCreated: new Counter({
      name: 'chat_messages_created_total',
      help: 'Messages stored',
      registers: [registry]
    }),
    httpDuration: new Histogram({
      name: 'chat_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry]
    }),
    serviceDuration: new Histogram({
      name: 'chat_service_method_duration_seconds',
      help: 'Service method duration (REST, Socket.IO and internal calls)',
      labelNames: ['path', 'method', 'provider'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry]
    }),
    dbPool: new Gauge({
      name: 'chat_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const p = pool()
        if (!p) return
        this.set({ state: 'used' }, p.numUsed())
        this.set({ state: 'free' }, p.numFree())
        this.set({ state: 'pending' }, p.numPendingAcquires())
      }
    }),
    // Outgoing webhooks (SPEC §15)
    webhookAttempts: new Counter({
      name: 'chat_webhook_attempts_total',
      help: 'Webhook delivery attempts made by this instance, by outcome (delivered, failed)',
      labelNames: ['outcome'],
      registers: [registry]
    }),
    webhooksDisabled: new Counter({
      name: 'chat_webhooks_disabled_total',
      help: 'Webhooks this instance disabled after a run of failed attempts',
      registers: [registry]
    }),
    webhookQueue: new Gauge({
      name: 'chat_webhook_deliveries_pending',
      help: 'Webhook deliveries waiting in the queue (all instances; read at scrape time)',
      registers: [registry],
      async collect() {
        const db = app.get('postgresqlClient')
        if (!db) return
        const row = await db('webhook_deliveries')
          .where('state', 'pending')
          .count({ n: '*' })
          .first()
          .catch(() => undefined)
        if (row) this.set(Number(row.n))
      }
    }),
    // Cross-instance message order (realtime/seq-order.ts): events that waited for earlier seqs, and gaps that
    // were given up on after the window (an event lost between instances; resync repairs it).
    eventsReordered: new Gauge({
      name: 'chat_message_events_reordered',
      help: 'New-message events this instance held back for earlier seqs (held) and gaps it gave up on (expired)',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        const stats = app.get('sync')?.order.stats
        if (!stats) return
        this.set({ outcome: 'held' }, stats.held)
        this.set({ outcome: 'expired' }, stats.expired)
      }
    }),
    redisUp: new Gauge({
      name: 'chat_redis_up',
      help: '1 when Redis is connected, 0 when it is configured but down, -1 when not configured',
      registers: [registry],
      collect() {
        const client = app.get('redisClient')
        this.set(client ? (isReady(client) ? 1 : 0) : -1)
      }
    })
  }
}

const countUsers = (app: Application) =>
  app.channels.filter((c) => c.startsWith('users/') && app.channel(c).length > 0).length

/** Times every service call; registered as an app-wide around hook. */
export const timeServiceCall = async (context: HookContext, next: NextFunction) => {
  const end = context.app.get('metrics')?.serviceDuration.startTimer({
    path: context.path,
    method: context.method,
    provider: context.params.provider ?? 'internal'
  })
  try {
    await next()
  } finally {
    end?.()
  }
}

export const metricsRoute =
  (app: Application): Middleware =>
  async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') {
      const end = app.get('metrics').httpDuration.startTimer({ method: ctx.method })
      try {
        await next()
      } finally {
        end({ status: String(ctx.status) })
      }
      return
    }
    const { registry } = app.get('metrics')
    ctx.set('Content-Type', registry.contentType)
    ctx.body = await registry.metrics()
  }

export const metrics = (app: Application) => {
  const m = createMetrics(app)
  app.set('metrics', m)
  app.on('connection', () => m.connections.inc())
  app.on('disconnect', () => m.connections.dec())
  app.on('publish', (event: string, _channel: unknown, hook: HookContext) =>
    m.eventsPublished.inc({ path: hook.path, event })
  )
}

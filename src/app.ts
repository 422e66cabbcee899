// For more information about this file see https://dove.feathersjs.com/guides/cli/application.html
import './env'
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { koa, rest, bodyParser, cors, parseAuthentication } from '@feathersjs/koa'
import socketio from '@feathersjs/socketio'
import helmet from 'koa-helmet'
import type { Knex } from 'knex'
import type { Application, Configuration } from './declarations'
import { applySettings } from './configuration'
import { useLocalSecretIfUnset } from './auth/jwt-secret'
import { createLogger } from './logger'
import { postgresql } from './postgresql'
import { redis } from './redis'
import { sync } from './realtime/sync'
import { relayAdminEvents } from './realtime/admin-relay'
import { Cache } from './caches/redis-cache'
import { AccountCache } from './caches/accounts'
import { MembershipCache } from './caches/memberships'
import { caches } from './caches'
import { storage } from './storage'
import { authentication } from './authentication'
import { services } from './services/index'
import { channels } from './channels'
import { realtime } from './realtime'
import { resyncConnections } from './realtime/resync'
import { prototypeSafeRoutes } from './routing'
import { createRateLimiters } from './hooks/rate-limit'
import { sanitizeError } from './hooks/sanitize-error'
import { logError } from './hooks/log-error'
import { requireObjectData } from './hooks/require-object-data'
import { requireScalarId } from './hooks/require-scalar-id'
import { httpErrors, koaErrorListener } from './middleware/http-errors'
import { clientBody } from './middleware/body-errors'
import { requestLogger } from './middleware/request-logger'
import { clientIp } from './middleware/client-ip'
import { health } from './middleware/health'
import { bodyTimeouts } from './middleware/body-timeout'
import { multipartUploads } from './middleware/multipart'
import { metrics, metricsRoute, timeServiceCall } from './metrics'
import { drainUnreadBody } from './middleware/drain-unread-body'
import { admissionControl, createAdmission } from './hooks/admission-control'
import { noStreamsOverSockets } from './hooks/no-streams-over-sockets'
import { createUploadAdmission } from './hooks/upload-admission'
import { docsRoute } from './docs/docs'
import { webClient } from './middleware/web-client'
import { batchSocketWrites } from './realtime/socket-write-batching'
import { setUpSockets, socketServerOptions } from './realtime/socket-setup'
import { allowedOrigin } from './middleware/cors-origin'
import { withoutTransportChannelLeaving } from './realtime/transport-listeners'

export interface CreateAppOptions {
  /** Settings merged over config/ (deep for objects), e.g. a database URL or limits for one test. */
  settings?: Partial<Record<keyof Configuration, any>>
  /** A knex instance to use instead of opening one; its owner closes it. */
  db?: Knex
  /** The built web client served at `/` (default: web/dist of this checkout). */
  webClientDir?: string
}

/**
 * Builds a configured application. A factory rather than a module singleton so that tests and the
 * benchmark can run several instances in one process, and the CLI can boot one without listening.
 */
export const createApp = (options: CreateAppOptions = {}): Application => {
  const app: Application = koa(feathers())

  // Load app configuration, apply overrides, then validate before anything uses it
  app.configure(configuration())
  applySettings(app, options.settings)
  const secretFile = useLocalSecretIfUnset(app.settings as Record<string, any>)

  const logger = createLogger(app.get('logging'))
  app.set('logger', logger)
  if (secretFile) logger.warn({ file: secretFile }, 'JWT_SECRET is not set: using the generated local secret')
  app.configure(metrics)

  // Behind a load balancer, X-Forwarded-For is the client address (rate limits, logs). Only its last entry,
  // the one the load balancer appended: the entries before it are whatever the client sent, and trusting
  // them would let one client pass for many and walk around every per-IP limit.
  ;(app as any).proxy = app.get('trustProxy')
  ;(app as any).maxIpsCount = 1

  // Set up Koa middleware
  app.use(drainUnreadBody(app)) // outermost: an unread body is read off the wire before any answer leaves
  app.use(
    helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } })
  )
  app.use(cors({ origin: (ctx) => allowedOrigin(app.get('origins'), ctx.get('Origin')), credentials: true }))
  app.use(requestLogger(logger))
  app.use(httpErrors(logger))
  app.on('error', koaErrorListener(logger))
  app.use(health(app))
  app.use(metricsRoute(app))
  app.use(docsRoute(app)) // GET /docs (Swagger UI), /docs/openapi.json
  app.use(webClient(app, options.webClientDir)) // GET / and the client's routes: web/dist, with its own CSP
  app.use(clientIp())
  app.use(parseAuthentication())
  app.use(bodyTimeouts(app)) // before any body parser: they wait for the body as long as it takes
  app.use(
    clientBody(
      bodyParser({
        jsonLimit: app.get('limits').bodyBytes,
        formLimit: app.get('limits').bodyBytes,
        multipart: false
      })
    )
  )
  app.use(clientBody(multipartUploads(app), 'Malformed multipart body'))

  // Configure services and transports
  app.configure(rest())
  batchSocketWrites()
  withoutTransportChannelLeaving(app, () =>
    app.configure(socketio(socketServerOptions(app), setUpSockets(app)))
  )
  app.configure(prototypeSafeRoutes)
  app.configure(postgresql({ db: options.db }))
  app.configure(redis)
  app.set('cache', new Cache(app))
  app.set('accounts', new AccountCache(app))
  app.set('memberships', new MembershipCache())
  app.set('rateLimiters', createRateLimiters(app))
  app.set('admission', createAdmission(app))
  app.set('uploadAdmission', createUploadAdmission(app))
  app.configure(sync) // before the services: it wraps their `emit`
  app.configure(relayAdminEvents) // the same, to a running server's shared PGlite without Redis
  app.configure(storage)
  app.configure(authentication)
  app.configure(services)
  app.configure(caches) // after the services: each cache's owner hooks into the writes that change it
  app.configure(realtime) // connection bookkeeping, presence, socket cap
  app.configure(channels)
  app.configure(resyncConnections) // after a gap in the synced events, re-checks connections

  // Register hooks that run on all service methods
  app.hooks({
    around: {
      all: [
        logError,
        requireObjectData,
        requireScalarId,
        timeServiceCall,
        admissionControl,
        noStreamsOverSockets
      ]
    },
    before: {},
    after: {},
    error: { all: [sanitizeError] }
  })
  return app
}

// Service events across instances over Redis pub/sub. Feathers publishes to channels per connection on the
// instance that emitted the event, so an event must reach every instance and be emitted there too.
//
// Why not feathers-sync: it routes even local events through Redis (no Redis, no events — the instance would
// stop serving its own clients) and serializes the whole hook context (tokens, user rows). Here an event is
// emitted locally at once, and what crosses Redis is only `{origin, path, event, data}` where `data` is the
// external (dispatch) form of the result plus the route parameters; instances ignore their own messages.
// On the wire a message is `<origin>\t<JSON>`: every instance receives its own messages too, and the origin
// in front lets it drop them without parsing. Publishes made in one tick (a committed batch of messages)
// leave in one write (ioredis auto-pipelining).
import { randomUUID } from 'node:crypto'
import { getServiceOptions } from '@feathersjs/feathers'
import type { Application } from './declarations'
import { createRedis, isReady, redisConfigured, type RedisClient } from './redis'

export interface SyncMessage {
  path: string
  event: string
  data: unknown
  route?: Record<string, string>
}

/** Fields that never cross Redis, per service path (an own-profile event carries the user's email). */
const REDACTED: Record<string, string[]> = { 'api/users': ['email'] }

const redact = (path: string, data: any) => {
  const fields = REDACTED[path]
  if (!fields || typeof data !== 'object' || data === null) return data
  const copy = { ...data }
  for (const field of fields) delete copy[field]
  return copy
}

/** Events that stay on the instance where they happen (none of ours carry secrets, but these need no sync). */
const LOCAL_ONLY_PATHS = new Set([
  'api/authentication',
  'api/auth/login',
  'api/auth/register',
  'api/auth/refresh'
])

declare module './declarations' {
  interface Configuration {
    instanceId: string
    sync?: { channel: string; publisher: RedisClient; subscriber: RedisClient }
  }
}

const LOCAL_EMIT = Symbol('localEmit')

export const sync = (app: Application) => {
  app.set('instanceId', randomUUID())
  const settings = app.get('redis')
  if (!redisConfigured(settings)) return
  const channel = `${settings.keyPrefix}events`
  const publisher = createRedis(settings, { enableAutoPipelining: true })
  const subscriber = createRedis(settings, { enableOfflineQueue: true, maxRetriesPerRequest: null })
  const logger = () => app.get('logger')
  publisher.on('error', (error) => logger().warn({ err: error }, 'redis sync publisher error'))
  subscriber.on('error', (error) => logger().warn({ err: error }, 'redis sync subscriber error'))
  app.set('sync', { channel, publisher, subscriber })

  // Wrap `emit` of every service registered from now on (configure this before the services).
  app.mixins.push((service: any, path: string) => {
    if (typeof service.emit !== 'function' || LOCAL_ONLY_PATHS.has(path)) return
    const { serviceEvents } = getServiceOptions(service)
    const localEmit = service.emit.bind(service)
    service[LOCAL_EMIT] = localEmit
    service.emit = function (event: string, data: any, context?: any) {
      const emitted = localEmit(event, data, context)
      if (serviceEvents?.includes(event) && isReady(publisher)) {
        const message: SyncMessage = {
          path,
          event,
          data: redact(path, context?.dispatch ?? data),
          route: context?.params?.route
        }
        publisher.publish(channel, `${app.get('instanceId')}\t${JSON.stringify(message)}`).catch((error) => {
          logger().warn({ err: error, path, event }, 'event not published to other instances')
        })
      }
      return emitted
    }
  })

  subscriber.on('message', (_channel: string, raw: string) => {
    const tab = raw.indexOf('\t')
    if (raw.slice(0, tab) === app.get('instanceId')) return
    let message: SyncMessage
    try {
      message = JSON.parse(raw.slice(tab + 1))
    } catch {
      return logger().warn('ignoring a malformed sync message')
    }
    const service: any = (app as any).services[message.path]
    if (!service?.[LOCAL_EMIT]) return
    // A context rebuilt from JSON: publishers and listeners use `data` (and `params.route`) only.
    const context = {
      app,
      service,
      path: message.path,
      event: message.event,
      result: message.data,
      dispatch: message.data,
      params: { route: message.route ?? {} }
    }
    service[LOCAL_EMIT](message.event, message.data, context)
  })

  app.hooks({
    setup: [
      async (_context: any, next: any) => {
        await Promise.all([publisher.connect(), subscriber.connect()]).catch((error) =>
          logger().warn({ err: error }, 'redis sync unavailable at start-up; events stay on this instance')
        )
        // Queued until connected when Redis is down at start-up; ioredis re-subscribes after every reconnect.
        const subscribed = subscriber.subscribe(channel).catch(() => undefined)
        if (isReady(subscriber)) await subscribed
        await next()
      }
    ],
    teardown: [
      async (_context: any, next: any) => {
        await next()
        publisher.disconnect()
        subscriber.disconnect()
      }
    ]
  })
}

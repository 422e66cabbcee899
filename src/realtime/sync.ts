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
//
// The transport is Redis 7 sharded pub/sub (SPUBLISH/SSUBSCRIBE) on SYNC_SHARDS channels `<prefix>events:<k>`,
// one code path for a single Redis, Sentinel and Cluster. On a Cluster each channel lives on the shard that
// owns its hash slot, so an event crosses one shard instead of the whole cluster bus (classic PUBLISH is
// broadcast to every node). An event goes to the channel of its chat, so one chat's events keep their order
// (events about no chat share one channel); every instance subscribes to every channel.
//
// Pub/sub is at most once. Every gap is reported as the app event `sync:gap`, and realtime/resync.ts then
// re-checks this instance's connections against PostgreSQL: after the subscriber (re)connects (whatever was
// published meanwhile is lost), and when another instance says it could not publish (`!resync` on the channel,
// sent by that instance as soon as its publisher works again).
import { randomUUID } from 'node:crypto'
import { getServiceOptions } from '@feathersjs/feathers'
import type { Application } from '../declarations'
import { Cluster } from 'ioredis'
import { createRedis, isReady, redisConfigured, stableHash, type RedisClient } from '../redis'
import { SeqOrder } from './seq-order'

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

declare module '../declarations' {
  interface Configuration {
    instanceId: string
    sync?: { channels: string[]; publisher: RedisClient; subscriber: RedisClient; order: SeqOrder }
  }
}

/** How long a new message waits for the seqs before it in its chat (seq-order.ts). */
export const SEQ_ORDER_WINDOW_MS = 250
const SEQ_ORDER_MAX_CHATS = 50_000
const MESSAGES_PATH = 'api/messages'

/** `emit` for the messages service: its `created` events go out in seq order per chat. */
const inSeqOrder = (order: SeqOrder, emit: (event: string, data: any, context?: any) => any) =>
  function (event: string, data: any, context?: any) {
    if (event !== 'created' || typeof data?.chat_id !== 'string' || !Number.isInteger(data?.seq))
      return emit(event, data, context)
    order.deliver(data.chat_id, data.seq, () => emit(event, data, context))
    return true
  }

const LOCAL_EMIT = Symbol('localEmit')

/** What crosses to other processes for a local service event: its external form, without redacted fields. */
export const syncMessage = (path: string, event: string, data: any, context?: any): SyncMessage => ({
  path,
  event,
  data: redact(path, context?.dispatch ?? data),
  route: context?.params?.route
})

/** Whether `event` of the service at `path` is one that other processes hear. */
export const isSyncedEvent = (service: any, path: string, event: string) =>
  !LOCAL_ONLY_PATHS.has(path) && Boolean(getServiceOptions(service)?.serviceEvents?.includes(event))

/**
 * Emits an event that happened in another process here, on this process' listeners and channels only (it is
 * not published again). Unknown services and events are ignored.
 */
export const emitSynced = (app: Application, message: SyncMessage) => {
  const service: any = (app as any).services[message?.path]
  if (!service || typeof message.event !== 'string' || !isSyncedEvent(service, message.path, message.event))
    return
  const emit = service[LOCAL_EMIT] ?? service.emit?.bind(service)
  if (!emit) return
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
  emit(message.event, message.data, context)
}
/** Sharded pub/sub channels: enough to spread the events over the shards of a large Cluster. */
export const SYNC_SHARDS = 16

/** The shard channels of a deployment, `<prefix>events:<k>`. */
export const syncChannels = (keyPrefix: string) =>
  Array.from({ length: SYNC_SHARDS }, (_, k) => `${keyPrefix}events:${k}`)

/**
 * What orders an event, and so picks its channel: its chat. Events about no chat (accounts, sessions,
 * presence) share one channel, so their relative order holds too: a ban's `banned` before its sessions' `ended`.
 */
const orderingKey = (message: SyncMessage) => {
  const chatId = (message.data as any)?.chat_id ?? message.route?.chat_id
  return chatId === undefined ? '' : String(chatId)
}

/** The control message "I could not publish some events: re-check your connections". */
const RESYNC = '!resync'

/**
 * Emits a service event on this instance only, as if it had arrived from another one: its local listeners and
 * publishers run, nothing is sent to Redis. For an event this instance missed and found out about itself
 * (resync.ts). Without Redis there is nothing to sync, and a plain emit is local anyway.
 */
export const emitLocally = (app: Application, path: string, event: string, data: unknown) => {
  const service: any = (app as any).services[path]
  const emit = service?.[LOCAL_EMIT] ?? service?.emit.bind(service)
  emit?.(event, data, { app, service, path, event, result: data, dispatch: data, params: { route: {} } })
}

export const sync = (app: Application) => {
  app.set('instanceId', randomUUID())
  const settings = app.get('redis')
  if (!redisConfigured(settings)) return
  const channels = syncChannels(settings.keyPrefix)
  const channelOf = (message: SyncMessage) => channels[stableHash(orderingKey(message)) % SYNC_SHARDS]
  const instanceId = app.get('instanceId')
  // Named, so that an operator (or a test) finds them in CLIENT LIST.
  const publisher = createRedis(settings, {
    enableAutoPipelining: true,
    connectionName: `${settings.keyPrefix}sync-pub:${instanceId}`
  })
  const subscriber = createRedis(
    settings,
    {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: `${settings.keyPrefix}sync-sub:${instanceId}`
    },
    { shardedSubscribers: true } // one subscriber connection per primary, each for its slots' channels
  )
  const logger = () => app.get('logger')
  publisher.on('error', (error) => logger().warn({ err: error }, 'redis sync publisher error'))
  subscriber.on('error', (error) => logger().warn({ err: error }, 'redis sync subscriber error'))
  const order = new SeqOrder({ windowMs: SEQ_ORDER_WINDOW_MS, maxChats: SEQ_ORDER_MAX_CHATS })
  app.set('sync', { channels, publisher, subscriber, order })

  // Events this instance could not publish: the others are told to re-check once publishing works again.
  let unpublished = false
  const missed = () => {
    unpublished = true
  }
  const announceGap = () => {
    unpublished = false
    // Every instance subscribes to every channel: one of them reaches them all.
    publisher.spublish(channels[0], `${instanceId}\t${RESYNC}`).catch(missed)
  }
  publisher.on('ready', () => {
    if (unpublished) announceGap()
  })
  // Cache deletes this instance could not make are done now (cache.ts): the other instances may have refilled
  // their in-process memory from the stale entries meanwhile, so they re-check as after a lost event.
  app.on('cache:recovered', () => (isReady(publisher) ? announceGap() : missed()))

  // Wrap `emit` of every service registered from now on (configure this before the services).
  app.mixins.push((service: any, path: string) => {
    if (typeof service.emit !== 'function' || LOCAL_ONLY_PATHS.has(path)) return
    const { serviceEvents } = getServiceOptions(service)
    // Local and synced emits of one service share this, so messages from every instance are ordered together.
    const plainEmit = service.emit.bind(service)
    const localEmit = path === MESSAGES_PATH ? inSeqOrder(order, plainEmit) : plainEmit
    service[LOCAL_EMIT] = localEmit
    service.emit = function (event: string, data: any, context?: any) {
      const emitted = localEmit(event, data, context)
      if (!serviceEvents?.includes(event)) return emitted
      if (!isReady(publisher)) missed()
      else {
        if (unpublished) announceGap()
        const message = syncMessage(path, event, data, context)
        publisher.spublish(channelOf(message), `${instanceId}\t${JSON.stringify(message)}`).catch((error) => {
          missed()
          logger().warn({ err: error, path, event }, 'event not published to other instances')
        })
      }
      return emitted
    }
  })

  subscriber.on('smessage', (_channel: string, raw: string) => {
    const tab = raw.indexOf('\t')
    if (raw.slice(0, tab) === instanceId) return
    if (raw.slice(tab + 1) === RESYNC) return app.emit('sync:gap', 'another instance could not publish')
    let message: SyncMessage
    try {
      message = JSON.parse(raw.slice(tab + 1))
    } catch {
      return logger().warn('ignoring a malformed sync message')
    }
    emitSynced(app, message)
  })

  // One SSUBSCRIBE per channel: on a Cluster the channels of one command must share a hash slot.
  const subscribeAll = () => Promise.all(channels.map((channel) => subscriber.ssubscribe(channel)))

  // Every (re)connect: whatever was published while this subscriber was away is lost. ioredis subscribes again
  // by itself; subscribing here too and waiting for the reply means the subscription is live before the
  // re-check reads PostgreSQL, so an event committed after those reads is received. A Cluster says so per
  // topology change (a failover moves a shard's channels to its promoted replica): `subscribersReady`.
  const reconnected = subscriber instanceof Cluster ? 'subscribersReady' : 'ready'
  subscriber.on(reconnected, () => {
    subscribeAll().then(
      () => app.emit('sync:gap', 'sync subscriber reconnected'),
      () => undefined // not connected after all: the next 'ready' tries again
    )
  })

  app.hooks({
    setup: [
      async (_context: any, next: any) => {
        await Promise.all([publisher.connect(), subscriber.connect()]).catch((error) =>
          logger().warn({ err: error }, 'redis sync unavailable at start-up; events stay on this instance')
        )
        // Queued until connected when Redis is down at start-up; ioredis re-subscribes after every reconnect.
        const subscribed = subscribeAll().catch(() => undefined)
        if (isReady(subscriber)) await subscribed
        await next()
      }
    ],
    teardown: [
      async (_context: any, next: any) => {
        await next()
        order.flush()
        publisher.disconnect()
        subscriber.disconnect()
      }
    ]
  })
}

// Redis through ioredis: REDIS_URL, or the seed's REDIS_HOST / REDIS_PORT / REDIS_DB, or Sentinel
// (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or Cluster (REDIS_CLUSTER_NODES). Without any of them the server
// runs as a single instance with in-process equivalents. Connections open in a setup hook and close in
// teardown; while Redis is down, the instance keeps serving its own clients.
import { Redis, Cluster, type ClusterOptions, type RedisOptions } from 'ioredis'
import { createShardedAdapter } from '@socket.io/redis-adapter'
import type { Server as SocketServer } from 'socket.io'
import type { Application, Configuration, HookContext, NextFunction } from './declarations'

export type RedisClient = Redis | Cluster

declare module './declarations' {
  interface Configuration {
    /** The shared command connection, when Redis is configured. */
    redisClient?: RedisClient
  }
}

type RedisSettings = Configuration['redis']

export const redisConfigured = (settings: RedisSettings) =>
  Boolean(settings.url || settings.host || settings.sentinels || settings.clusterNodes)

const hostPort = (entry: string) => {
  const [host, port] = entry.trim().split(':')
  return { host, port: Number(port || 6379) }
}

const REDIS_COMMAND_TIMEOUT_MS = 1000
const CLUSTER_SLOTS_REFRESH_MS = 5000

/**
 * Opens a client from the settings. `lazyConnect`: nothing connects until `connect()` (the setup hook).
 * `clusterOverrides` apply to a Cluster only (e.g. `shardedSubscribers` for an SSUBSCRIBE connection).
 */
export const createRedis = (
  settings: RedisSettings,
  overrides: RedisOptions = {},
  clusterOverrides: ClusterOptions = {}
): RedisClient => {
  const options: RedisOptions = {
    lazyConnect: true,
    db: settings.db,
    // Commands fail at once while disconnected instead of queueing: callers fall back to local behaviour.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A Redis that hangs (connection open, no replies) fails each command after this long, so callers fall back
    // as they do when it is down; without it one hung cache write would hold every send of the instance (the
    // message writer invalidates caches before it answers a batch).
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...overrides
  }
  if (settings.clusterNodes) {
    // The queueing and pipelining choices are the Cluster's own options (its per-node clients get the rest):
    // without them a Cluster would queue commands while a shard fails over, instead of failing them fast.
    const { enableOfflineQueue, enableAutoPipelining, lazyConnect } = options
    return new Cluster(settings.clusterNodes.split(',').map(hostPort), {
      // ioredis 6 re-reads the slot map only when a command is redirected or fails. A client that sends
      // nothing to a failed-over shard would keep its stale node list for good: the Socket.IO adapter counts
      // the instances listening with PUBSUB SHARDNUMSUB on every node it knows, so after a failover it missed
      // the promoted replica, counted 0 and stopped waiting for the other instances' answers.
      slotsRefreshInterval: CLUSTER_SLOTS_REFRESH_MS,
      lazyConnect,
      enableOfflineQueue,
      enableAutoPipelining,
      redisOptions: options,
      ...clusterOverrides
    })
  }
  if (settings.sentinels) {
    return new Redis({
      ...options,
      sentinels: settings.sentinels.split(',').map(hostPort),
      name: settings.sentinelName
    })
  }
  if (settings.url) return new Redis(settings.url, options)
  return new Redis({ ...options, host: settings.host, port: settings.port })
}

export const isReady = (client?: RedisClient) => client?.status === 'ready'

/** The shared client when it is connected, else undefined (callers then decide locally). */
export const readyRedis = (app: Application) => {
  const client = app.get('redisClient')
  return isReady(client) ? client : undefined
}

/**
 * DEL of several keys: one command on a single Redis; on a Cluster one command per key, routed to its shard
 * (a DEL whose keys span hash slots fails with CROSSSLOT). Answers how many existed.
 */
export const deleteKeys = (client: RedisClient, keys: string[]): Promise<number> => {
  if (keys.length === 0) return Promise.resolve(0)
  if (!(client instanceof Cluster)) return client.del(...keys)
  return Promise.all(keys.map((key) => client.del(key))).then((counts) =>
    counts.reduce((sum, n) => sum + n, 0)
  )
}

/** A stable 32-bit FNV-1a hash: the same shard or bucket for the same id on every instance. */
export const stableHash = (text: string) => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/**
 * Per-user keys that a script or pipeline uses together with a shared index carry the hash tag of one of
 * USER_BUCKETS buckets, so on a Cluster they share the index's hash slot (Lua scripts and pipelines need
 * their keys in one slot) while the users still spread over that many slots.
 */
export const USER_BUCKETS = 16
export const userBucket = (userId: string) => stableHash(userId) % USER_BUCKETS

/** Items grouped by their user's bucket: one pipeline per group stays in one hash slot on a Cluster. */
export const byUserBucket = <T>(items: Iterable<T>, userOf: (item: T) => string) => {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const bucket = userBucket(userOf(item))
    const group = groups.get(bucket)
    if (group) group.push(item)
    else groups.set(bucket, [item])
  }
  return groups
}

/**
 * The Socket.IO sharded Redis adapter (Redis 7 SPUBLISH/SSUBSCRIBE, on a single Redis, Sentinel or Cluster),
 * so Socket.IO broadcasts that leave this instance (none of ours do: service events go through sync.ts, and
 * room emits are `io.local`) reach the others' sockets. In `static` mode it subscribes two channels per
 * instance; the default `dynamic` mode would add one SSUBSCRIBE per room, that is per chat with a member here.
 * Its two connections keep an offline queue and reconnect by themselves.
 */
export const attachRedisAdapter = (app: Application, io: SocketServer) => {
  const settings = app.get('redis')
  if (!redisConfigured(settings)) return
  // The adapter queues its commands through outages (offline queue, endless retries) and does not handle
  // their rejections (its psubscribe at start, its publishes): a command timeout would reject one of them
  // under load and the unhandled rejection would end the process. So its two clients wait instead.
  const overrides = {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    commandTimeout: undefined
  }
  const pub = createRedis(settings, overrides)
  const sub = createRedis(settings, overrides, { shardedSubscribers: true })
  for (const client of [pub, sub]) client.on('error', () => undefined) // reported by the main client
  io.adapter(
    createShardedAdapter(pub, sub, {
      channelPrefix: `${settings.keyPrefix}socket.io`,
      subscriptionMode: 'static'
    })
  )
  app.hooks({
    teardown: [
      async (_context: HookContext, next: NextFunction) => {
        await next()
        pub.disconnect()
        sub.disconnect()
      }
    ]
  })
}

/** Registers the shared client; `connect()` in setup, `quit()` in teardown. */
export const redis = (app: Application) => {
  const settings = app.get('redis')
  if (!redisConfigured(settings)) return
  const client = createRedis(settings)
  client.on('error', (error) => app.get('logger').warn({ err: error }, 'redis error'))
  app.set('redisClient', client)
  app.hooks({
    setup: [
      async (_context: HookContext, next: NextFunction) => {
        await client
          .connect()
          .catch((error) => app.get('logger').warn({ err: error }, 'redis unavailable at start-up'))
        await next()
      }
    ],
    teardown: [
      async (_context: HookContext, next: NextFunction) => {
        await next()
        client.disconnect()
      }
    ]
  })
}

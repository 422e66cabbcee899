// Redis through ioredis: REDIS_URL, or the seed's REDIS_HOST / REDIS_PORT / REDIS_DB, or Sentinel
// (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or Cluster (REDIS_CLUSTER_NODES). Without any of them the server
// runs as a single instance with in-process equivalents. Connections open in a setup hook and close in
// teardown; while Redis is down, the instance keeps serving its own clients.
import { Redis, Cluster, type RedisOptions } from 'ioredis'
import { createAdapter } from '@socket.io/redis-adapter'
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

/** Opens a client from the settings. `lazyConnect`: nothing connects until `connect()` (the setup hook). */
export const createRedis = (settings: RedisSettings, overrides: RedisOptions = {}): RedisClient => {
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
    return new Cluster(settings.clusterNodes.split(',').map(hostPort), {
      lazyConnect: true,
      redisOptions: options
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
 * The Socket.IO Redis adapter, so Socket.IO rooms and broadcasts (not Feathers service events: see sync.ts)
 * span instances, e.g. disconnecting every socket of a banned user wherever it is. Its two connections keep
 * an offline queue and reconnect by themselves.
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
  const sub = createRedis(settings, overrides)
  for (const client of [pub, sub]) client.on('error', () => undefined) // reported by the main client
  io.adapter(createAdapter(pub, sub, { key: `${settings.keyPrefix}socket.io` }))
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

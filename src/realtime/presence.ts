// Presence: a user is online while at least one of their connections is authenticated, on any instance.
// The first connection turns `offline` into `online` (a chosen `away` / `dnd` stays); the last one sets
// `offline` and `last_seen`. Every change is announced as `user_status` by the status service.
//
// With Redis, each instance records "user U has connections here" in a sorted set per user, scored by an
// expiry that a heartbeat pushes forward; the Lua scripts below make "first on any instance" and "last on
// any instance" atomic. An instance that crashes stops its heartbeat, its entries expire, and the sweeper of
// any surviving instance sets those users offline. Without Redis (or while it is down) the decision is local.
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application } from '../declarations'
import { readyRedis } from '../redis'
import type { UserStatus } from '../services/users/status/status.schema'
import { statusPath } from '../services/users/status/status.shared'

// KEYS[1] user set, KEYS[2] index; ARGV: instance, expiry, now, userId, key ttl. Returns 1 if nobody was
// online. The keys themselves expire too, so nothing is left behind when every instance is gone.
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4] .. '|' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return before == 0 and 1 or 0`

// KEYS[1] user set, KEYS[2] index; ARGV: instance, now, userId. Returns the number of instances left.
const DISCONNECT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3] .. '|' .. ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
return redis.call('ZCARD', KEYS[1])`

// KEYS[1] user set, KEYS[2] index; ARGV: index member, instance, now. Returns instances left, or -1 if
// another instance already swept this entry.
const SWEEP = `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return -1 end
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if score and tonumber(score) <= tonumber(ARGV[3]) then redis.call('ZREM', KEYS[1], ARGV[2]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
return redis.call('ZCARD', KEYS[1])`

export class Presence {
  private readonly connections = new Map<string, Set<RealTimeConnection>>()
  private timer?: NodeJS.Timeout

  constructor(private readonly app: Application) {}

  private get redis() {
    return readyRedis(this.app)
  }

  private key(userId: string) {
    return `${this.app.get('redis').keyPrefix}presence:user:${userId}`
  }

  private get indexKey() {
    return `${this.app.get('redis').keyPrefix}presence:index`
  }

  private get settings() {
    return this.app.get('presence')
  }

  /** Connections of this user on this instance. */
  localCount(userId: string) {
    return this.connections.get(userId)?.size ?? 0
  }

  async connected(userId: string, connection: RealTimeConnection) {
    const set = this.connections.get(userId) ?? new Set()
    const firstHere = set.size === 0
    set.add(connection)
    this.connections.set(userId, set)
    if (!firstHere) return
    const redis = this.redis
    const now = Date.now()
    const firstAnywhere = redis
      ? (await redis
          .eval(
            CONNECT,
            2,
            this.key(userId),
            this.indexKey,
            this.app.get('instanceId'),
            now + this.settings.ttlMs,
            now,
            userId,
            this.settings.ttlMs * 2
          )
          .catch(() => 1)) === 1
      : true
    if (firstAnywhere) await this.setStatus(userId, 'online')
  }

  async disconnected(userId: string, connection: RealTimeConnection) {
    const set = this.connections.get(userId)
    if (!set?.delete(connection) || set.size > 0) return
    this.connections.delete(userId)
    const redis = this.redis
    const left = redis
      ? await redis
          .eval(
            DISCONNECT,
            2,
            this.key(userId),
            this.indexKey,
            this.app.get('instanceId'),
            Date.now(),
            userId
          )
          .catch(() => 0)
      : 0
    if (left === 0) await this.setStatus(userId, 'offline')
  }

  /** `online` only replaces `offline` (a chosen away/dnd stays); `offline` always applies, with last_seen. */
  private async setStatus(userId: string, status: 'online' | 'offline') {
    const db = this.app.get('postgresqlClient')
    const query = db('users').where({ user_id: userId })
    if (status === 'online') query.where({ status: 'offline' }).update({ status, updated_at: db.fn.now() })
    else query.update({ status, last_seen: db.fn.now(), updated_at: db.fn.now() })
    const [row] = await query.returning(['user_id', 'status', 'last_seen']).catch((error) => {
      this.app.get('logger').warn({ err: error, userId }, 'presence not stored')
      return []
    })
    if (row) {
      await this.app.get('chatLists').contactChanged(userId)
      this.announce(row)
    }
  }

  announce(status: UserStatus) {
    this.app.service(statusPath).emit('user_status', status)
  }

  /** Pushes this instance's entries forward and sweeps entries of instances that stopped heartbeating. */
  async heartbeat() {
    const redis = this.redis
    if (!redis) return
    const instance = this.app.get('instanceId')
    const now = Date.now()
    const expiry = now + this.settings.ttlMs
    const pipeline = redis.pipeline()
    for (const userId of this.connections.keys()) {
      pipeline.zadd(this.key(userId), expiry, instance)
      pipeline.zadd(this.indexKey, expiry, `${userId}|${instance}`)
      pipeline.pexpire(this.key(userId), this.settings.ttlMs * 2)
    }
    if (this.connections.size > 0) pipeline.pexpire(this.indexKey, this.settings.ttlMs * 2)
    await pipeline.exec().catch(() => undefined)
    const expired = await redis
      .zrangebyscore(this.indexKey, '-inf', now, 'LIMIT', 0, 200)
      .catch(() => [] as string[])
    for (const member of expired) {
      const [userId, owner] = member.split('|')
      const left = await redis
        .eval(SWEEP, 2, this.key(userId), this.indexKey, member, owner, now)
        .catch(() => -1)
      if (left === 0 && this.localCount(userId) === 0) await this.setStatus(userId, 'offline')
    }
  }

  start() {
    if (!this.app.get('redisClient')) return
    this.timer = setInterval(() => void this.heartbeat(), this.settings.heartbeatMs)
    this.timer.unref()
  }

  /** On shutdown this instance's users are handed over cleanly: each counts as disconnected here. */
  async stop() {
    if (this.timer) clearInterval(this.timer)
    for (const [userId, set] of [...this.connections.entries()]) {
      for (const connection of [...set]) await this.disconnected(userId, connection)
    }
  }
}

declare module '../declarations' {
  interface Configuration {
    presenceTracker: Presence
  }
}

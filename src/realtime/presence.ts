// Presence: a user is online while at least one of their connections is authenticated, on any instance.
// The first connection turns `offline` into `online` (a chosen `away` / `dnd` stays); the last one sets
// `offline` and `last_seen`. Every change is announced as `user_status` by the status service.
//
// With Redis, each instance records "user U has connections here" in a sorted set per user, scored by an
// expiry that a heartbeat pushes forward; the Lua scripts below make "first on any instance" and "last on
// any instance" atomic. An instance that crashes stops its heartbeat, its entries expire, and the sweeper of
// any surviving instance sets those users offline. Without Redis (or while it is down) the decision is local.
// The index is split in USER_BUCKETS buckets, and a user's set carries its bucket's hash tag: on a Cluster a
// script's two keys share one hash slot, and the users still spread over that many slots.
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application } from '../declarations'
import { byUserBucket, readyRedis, userBucket, USER_BUCKETS } from '../redis'
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
    return `${this.app.get('redis').keyPrefix}presence:{${userBucket(userId)}}:user:${userId}`
  }

  /** The index of a bucket (of the user's bucket when given a user id). */
  private indexKey(bucketOrUser: number | string) {
    const bucket = typeof bucketOrUser === 'number' ? bucketOrUser : userBucket(bucketOrUser)
    return `${this.app.get('redis').keyPrefix}presence:{${bucket}}:index`
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
            this.indexKey(userId),
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
            this.indexKey(userId),
            this.app.get('instanceId'),
            Date.now(),
            userId
          )
          .catch(() => 0)
      : 0
    if (left === 0) await this.setStatus(userId, 'offline')
  }

  /**
   * `online` only replaces `offline` (a chosen away/dnd stays); `offline` always applies, with last_seen.
   * Changes requested in the same tick are written together (one UPDATE per status, one contacts query for
   * the chat-list cache), then announced one by one: a connection storm costs a few statements per batch
   * instead of several per socket. Never rejects: a status that cannot be stored is logged and skipped.
   */
  private setStatus(userId: string, status: 'online' | 'offline'): Promise<void> {
    return new Promise<void>((resolve) => {
      // The latest request per user wins: online then offline in one tick stores offline, with last_seen.
      this.pending.set(userId, { status, done: [...(this.pending.get(userId)?.done ?? []), resolve] })
      if (this.pending.size === 1 && !this.writing) this.scheduleWrite()
    })
  }

  private readonly pending = new Map<string, { status: 'online' | 'offline'; done: (() => void)[] }>()
  /** One batch at a time, so a user's later status is never overtaken by an earlier one still being written. */
  private writing = false

  private scheduleWrite() {
    this.writing = true
    setImmediate(
      () =>
        void this.writeStatuses().finally(() => {
          this.writing = false
          if (this.pending.size > 0) this.scheduleWrite()
        })
    )
  }

  /** Status batches written so far (each is one UPDATE per status at most). */
  statusBatches = 0

  private async writeStatuses() {
    this.statusBatches++
    const batch = [...this.pending]
    this.pending.clear()
    const ids = (status: string) => batch.filter(([, p]) => p.status === status).map(([userId]) => userId)
    const db = this.app.get('postgresqlClient')
    const stored = async (query: Promise<UserStatus[]>) =>
      query.catch((error) => {
        this.app.get('logger').warn({ err: error, users: batch.length }, 'presence not stored')
        return [] as UserStatus[]
      })
    const columns = ['user_id', 'status', 'last_seen']
    const online = ids('online')
    const offline = ids('offline')
    const rows = [
      ...(online.length
        ? await stored(
            db('users')
              .whereIn('user_id', online)
              .where({ status: 'offline' })
              .update({ status: 'online', updated_at: db.fn.now() })
              .returning(columns)
          )
        : []),
      ...(offline.length
        ? await stored(
            db('users')
              .whereIn('user_id', offline)
              .update({ status: 'offline', last_seen: db.fn.now(), updated_at: db.fn.now() })
              .returning(columns)
          )
        : [])
    ]
    await this.app
      .get('chatLists')
      .contactsChanged(rows.map((row) => row.user_id))
      .catch((error) =>
        this.app.get('logger').warn({ err: error }, 'chat lists not refreshed after presence')
      )
    for (const row of rows) this.announce(row)
    for (const [, p] of batch) p.done.forEach((resolve) => resolve())
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
    const buckets = byUserBucket(this.connections.keys(), (userId) => userId)
    await Promise.all(
      [...buckets].map(([bucket, userIds]) => {
        const pipeline = redis.pipeline()
        for (const userId of userIds) {
          pipeline.zadd(this.key(userId), expiry, instance)
          pipeline.zadd(this.indexKey(bucket), expiry, `${userId}|${instance}`)
          pipeline.pexpire(this.key(userId), this.settings.ttlMs * 2)
        }
        pipeline.pexpire(this.indexKey(bucket), this.settings.ttlMs * 2)
        return pipeline.exec().catch(() => undefined)
      })
    )
    for (let bucket = 0; bucket < USER_BUCKETS; bucket++) {
      const expired = await redis
        .zrangebyscore(this.indexKey(bucket), '-inf', now, 'LIMIT', 0, 200)
        .catch(() => [] as string[])
      for (const member of expired) {
        const [userId, owner] = member.split('|')
        const left = await redis
          .eval(SWEEP, 2, this.key(userId), this.indexKey(bucket), member, owner, now)
          .catch(() => -1)
        if (left === 0 && this.localCount(userId) === 0) await this.setStatus(userId, 'offline')
      }
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

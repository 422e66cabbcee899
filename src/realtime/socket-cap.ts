// At most `limits.maxSocketsPerUser` authenticated sockets per user (SPEC §9): each socket has its own event
// budget and costs memory and fan-out on its instance, so an unbounded number of them multiplies both.
//
// Counted across instances when Redis is configured: a sorted set per user of "instance:connection" entries
// scored by an expiry that the heartbeat pushes forward (presence.heartbeatMs / ttlMs), so the entries of an
// instance that crashes expire on their own. Admission is one Lua script (count, then add), so two sockets
// authenticating at once on two instances cannot both take the last slot. While Redis is down the count is
// this instance's own: the cap then holds per instance, and the heartbeat writes the entries once Redis is back.
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application } from '../declarations'
import { byUserBucket, readyRedis, userBucket } from '../redis'

// KEYS[1] the user's set; ARGV: entry, expiry, now, cap, key ttl. 1 when admitted (or already counted).
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`

interface Admitted {
  userId: string
  entry: string
}

export class SocketCap {
  private readonly admitted = new Map<RealTimeConnection, Admitted>()
  private readonly perUser = new Map<string, Set<RealTimeConnection>>()
  private counter = 0
  private timer?: NodeJS.Timeout

  constructor(private readonly app: Application) {}

  get limit() {
    return this.app.get('limits').maxSocketsPerUser
  }

  private get redis() {
    return readyRedis(this.app)
  }

  private key(userId: string) {
    // The bucket's hash tag: the heartbeat pipelines a bucket's keys together (one slot on a Cluster).
    return `${this.app.get('redis').keyPrefix}sockets:{${userBucket(userId)}}:user:${userId}`
  }

  private get ttlMs() {
    return this.app.get('presence').ttlMs
  }

  /** Counts this connection for the user; false when the user already has `limit` sockets. */
  async admit(userId: string, connection: RealTimeConnection): Promise<boolean> {
    if (this.admitted.get(connection)?.userId === userId) return true // re-authentication
    const local = this.perUser.get(userId) ?? new Set()
    if (local.size >= this.limit) return false
    const entry = `${this.app.get('instanceId')}:${++this.counter}`
    const redis = this.redis
    if (redis) {
      const now = Date.now()
      const ttl = this.ttlMs
      const admitted = await redis
        .eval(ADMIT, 1, this.key(userId), entry, now + ttl, now, this.limit, ttl * 2)
        .catch(() => 1) // Redis failing: this instance's count (checked above) decides
      if (admitted !== 1) return false
    }
    // Checked again after the wait: other sockets of the user (or this one) may have been admitted meanwhile.
    const sameUser = this.admitted.get(connection)?.userId === userId
    if (sameUser || local.size >= this.limit) {
      this.dropEntry(userId, entry)
      return sameUser
    }
    this.release(connection) // it counted for another user until now
    this.admitted.set(connection, { userId, entry })
    this.perUser.set(userId, local.add(connection))
    return true
  }

  /**
   * Frees the connection's slot (logout, disconnect, another user authenticating over it). With `userId`, only
   * if the slot is that user's: detaching the previous user of a connection keeps the new user's slot.
   */
  release(connection: RealTimeConnection, userId?: string) {
    const known = this.admitted.get(connection)
    if (!known || (userId !== undefined && known.userId !== userId)) return
    this.admitted.delete(connection)
    const local = this.perUser.get(known.userId)
    local?.delete(connection)
    if (local?.size === 0) this.perUser.delete(known.userId)
    this.dropEntry(known.userId, known.entry)
  }

  private dropEntry(userId: string, entry: string) {
    void this.redis?.zrem(this.key(userId), entry).catch(() => undefined)
  }

  /** Pushes this instance's entries forward (and writes those admitted while Redis was down). */
  async heartbeat() {
    const redis = this.redis
    if (!redis || this.admitted.size === 0) return
    const expiry = Date.now() + this.ttlMs
    const buckets = byUserBucket(this.admitted.values(), (admitted) => admitted.userId)
    await Promise.all(
      [...buckets.values()].map((admitted) => {
        const pipeline = redis.pipeline()
        for (const { userId, entry } of admitted) {
          pipeline.zadd(this.key(userId), expiry, entry)
          pipeline.pexpire(this.key(userId), this.ttlMs * 2)
        }
        return pipeline.exec().catch(() => undefined)
      })
    )
  }

  start() {
    if (!this.app.get('redisClient')) return
    this.timer = setInterval(() => void this.heartbeat(), this.app.get('presence').heartbeatMs)
    this.timer.unref()
  }

  /** On shutdown this instance's entries are removed at once, so its users can reconnect elsewhere. */
  stop() {
    if (this.timer) clearInterval(this.timer)
    for (const connection of [...this.admitted.keys()]) this.release(connection)
  }
}

declare module '../declarations' {
  interface Configuration {
    socketCap: SocketCap
  }
}

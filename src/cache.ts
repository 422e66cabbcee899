// The seed's Redis caches. Every read falls back to PostgreSQL when Redis is absent or down, and every
// write path that changes cached data invalidates it before it answers, so a request never reads stale
// data after its own write. Without Redis nothing is cached (a single instance reads PostgreSQL).
//   user:{user_id}        the user row without its password hash, TTL 3600 s (JWT authentication)
//   session:{sid}         "1" while a session is live, TTL 300 s (JWT authentication)
//   chat_list:{user_id}   the first page of GET /api/chats, TTL 1800 s
//   message_queue:{chat_id}  the newest messages of a chat (up to 100), for the newest history page
import type { Application } from './declarations'
import { isReady } from './redis'

export const TTL = { user: 3600, session: 300, chatList: 1800, messageQueue: 3600 }
export const MESSAGE_QUEUE_LENGTH = 100

export class Cache {
  constructor(private readonly app: Application) {}

  private get client() {
    const client = this.app.get('redisClient')
    return isReady(client) ? client : undefined
  }

  get enabled() {
    return Boolean(this.app.get('redisClient'))
  }

  key(kind: 'user' | 'session' | 'chat_list' | 'message_queue', id: string) {
    return `${this.app.get('redis').keyPrefix}${kind}:${id}`
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.client?.get(key).catch(() => null)
    return raw ? (JSON.parse(raw) as T) : undefined
  }

  async set(key: string, value: unknown, ttlSeconds: number) {
    await this.client?.set(key, JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined)
  }

  /**
   * Deletes keys. If Redis is configured but the delete cannot be done, the entries may be stale: they
   * expire by TTL; reads while Redis is down go to PostgreSQL anyway.
   */
  async del(...keys: string[]) {
    if (keys.length) await this.client?.del(...keys).catch(() => undefined)
  }

  async chatListsOf(userIds: string[]) {
    await this.del(...userIds.map((id) => this.key('chat_list', id)))
  }
}

declare module './declarations' {
  interface Configuration {
    cache: Cache
    messageQueue: MessageQueue
  }
}

// KEYS[1] queue; ARGV: max length, ttl, then seq and message JSON pairs. Only an existing queue is extended: a
// missing one is rebuilt from PostgreSQL by the next reader (a queue holding only the newest message would look
// complete).
const QUEUE_PUT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 3, #ARGV, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`

/** The newest messages of a chat, newest first, from `message_queue:{chat_id}` (a sorted set by seq). */
export class MessageQueue {
  constructor(private readonly cache: Cache) {}

  private get client() {
    return (this.cache as any).client as import('./redis').RedisClient | undefined
  }

  /** Whether Redis is configured (it may still be down: then every read is a miss). */
  get enabled() {
    return this.cache.enabled
  }

  /**
   * The newest `limit` messages if the queue can serve them: it must end at `lastSeq` (the chat's committed
   * last seq) and hold consecutive seqs; anything else is a miss and the caller reads PostgreSQL.
   */
  async newest<T extends { seq: number }>(
    chatId: string,
    lastSeq: number,
    limit: number
  ): Promise<T[] | undefined> {
    const client = this.client
    if (!client || lastSeq === 0) return undefined
    const raw = await client.zrevrange(this.cache.key('message_queue', chatId), 0, limit - 1).catch(() => [])
    const messages = raw.map((m) => JSON.parse(m) as T)
    const expected = Math.min(limit, lastSeq)
    if (messages.length < expected) return undefined
    const consecutive = messages.every((m, i) => m.seq === lastSeq - i)
    return consecutive ? messages : undefined
  }

  /** Replaces the queue with a page read from PostgreSQL (newest first). */
  async fill(chatId: string, messages: Array<{ seq: number }>) {
    const client = this.client
    if (!client || messages.length === 0) return
    const key = this.cache.key('message_queue', chatId)
    const args = messages.flatMap((m) => [m.seq, JSON.stringify(m)])
    await client
      .multi()
      .del(key)
      .zadd(key, ...(args as [number, string]))
      .zremrangebyrank(key, 0, -(MESSAGE_QUEUE_LENGTH + 1))
      .expire(key, TTL.messageQueue)
      .exec()
      .catch(() => undefined)
  }

  /** Adds or replaces one message (new, edited or deleted); a failure drops the queue so it is rebuilt. */
  async put(message: { chat_id: string; seq: number }) {
    await this.putMany([message])
  }

  /** `put` for many messages (a committed batch): one script call per chat, sent together. */
  async putMany(messages: Array<{ chat_id: string; seq: number }>) {
    const client = this.client
    if (!client || messages.length === 0) return
    const byChat = new Map<string, Array<string | number>>()
    for (const m of messages) {
      const args = byChat.get(m.chat_id) ?? []
      byChat.set(m.chat_id, args.concat(m.seq, JSON.stringify(m)))
    }
    await Promise.all(
      [...byChat].map(([chatId, args]) => {
        const key = this.cache.key('message_queue', chatId)
        return client
          .eval(QUEUE_PUT, 1, key, MESSAGE_QUEUE_LENGTH, TTL.messageQueue, ...args)
          .catch(() => this.cache.del(key))
      })
    )
  }
}

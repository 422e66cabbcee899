// Owner of `message_queue:{chat_id}`: each chat's newest messages (up to 100), which serve the newest history
// page without PostgreSQL. Kept up to date by the message writer (every committed batch), edits, deletes and
// file messages; a reader that finds it incomplete rebuilds it from PostgreSQL.
import type { Application, HookContext } from '../declarations'
import { TTL, type Cache } from './redis-cache'

export const MESSAGE_QUEUE_LENGTH = 100

declare module '../declarations' {
  interface Configuration {
    recentMessages: RecentMessages
  }
}

/** Registers the cache and keeps edits and deletes in it (new messages come from the message writer). */
export const recentMessages = (app: Application) => {
  const recent = new RecentMessages(app.get('cache'))
  app.set('recentMessages', recent)
  const messageChanged = (context: HookContext) => recent.put(context.result)
  app.service('api/messages').hooks({
    after: { update: [messageChanged], patch: [messageChanged], remove: [messageChanged] }
  })
  // Reactions and pins change counts and pin fields stored with each message (their services set the row).
  const rowChanged = async (context: HookContext) => {
    if (context.params.changed && context.params.changedMessage)
      await recent.put(context.params.changedMessage)
  }
  for (const path of ['api/messages/:message_id/reactions', 'api/chats/:chat_id/pins'] as const)
    app.service(path).hooks({ after: { create: [rowChanged], remove: [rowChanged] } })
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
export class RecentMessages {
  constructor(private readonly cache: Cache) {}

  private get client() {
    return this.cache.client
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
    const key = this.cache.key('message_queue', chatId)
    if (!client || lastSeq === 0 || !this.cache.trusts(key)) return undefined
    const raw = await client.zrevrange(key, 0, limit - 1).catch(() => [])
    const messages = raw.map((m) => JSON.parse(m) as T)
    const expected = Math.min(limit, lastSeq)
    if (messages.length < expected) return undefined
    const consecutive = messages.every((m, i) => m.seq === lastSeq - i)
    return consecutive ? messages : undefined
  }

  /** Replaces the queue with a page read from PostgreSQL (newest first). */
  async fill(chatId: string, messages: Array<{ seq: number }>) {
    const client = this.client
    const key = this.cache.key('message_queue', chatId)
    if (!client || messages.length === 0 || !this.cache.trusts(key)) return
    const args = messages.flatMap((m) => [m.seq, JSON.stringify(m)])
    await client
      .multi()
      .del(key)
      .zadd(key, ...(args as [number, string]))
      .zremrangebyrank(key, 0, -(MESSAGE_QUEUE_LENGTH + 1))
      .expire(key, TTL.recentMessages)
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
    if (messages.length === 0) return
    const byChat = new Map<string, Array<string | number>>()
    for (const m of messages) {
      const args = byChat.get(m.chat_id) ?? []
      byChat.set(m.chat_id, args.concat(m.seq, JSON.stringify(m)))
    }
    // Redis down: an edit or delete missing from the queue would be served stale once it is back (the seqs
    // still match), so the queues are dropped like any cache entry (remembered, deleted when Redis returns).
    if (!client) return this.cache.del(...[...byChat.keys()].map((id) => this.cache.key('message_queue', id)))
    await Promise.all(
      [...byChat].map(([chatId, args]) => {
        const key = this.cache.key('message_queue', chatId)
        // A queue whose delete is pending is not extended (the retry deletes it; a reader rebuilds it).
        if (!this.cache.trusts(key)) return undefined
        return client
          .eval(QUEUE_PUT, 1, key, MESSAGE_QUEUE_LENGTH, TTL.recentMessages, ...args)
          .catch(() => this.cache.del(key))
      })
    )
  }
}

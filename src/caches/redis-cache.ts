// The Redis cache every owner module in src/caches/ stores through. Every read falls back to PostgreSQL when Redis is absent or down, and every
// write path that changes cached data invalidates it before it answers, so a request never reads stale
// data after its own write. Without Redis nothing is cached (a single instance reads PostgreSQL).
//   user:{user_id}        the user row without its password hash, TTL 3600 s (JWT authentication)
//   session:{sid}         the live session's owner (user_id), TTL 300 s (JWT authentication)
//   chat_list:{user_id}   the first page of GET /api/chats, TTL 1800 s
//   message_queue:{chat_id}  the newest messages of a chat (up to 100), for the newest history page
// Owners: user:/session: src/caches/identities.ts, chat_list: src/caches/chat-lists.ts,
// message_queue: src/caches/recent-messages.ts.
import type { Application } from '../declarations'
import { Cluster } from 'ioredis'
import { deleteKeys, readyRedis, type RedisClient } from '../redis'

export const TTL = { user: 3600, session: 300, chatList: 1800, recentMessages: 3600 }

export type CacheKind = 'user' | 'session' | 'chat_list' | 'message_queue'

/** Keys whose delete failed that one instance remembers (about 100 bytes each); past it, whole kinds. */
export const MAX_PENDING_DELETES = 10_000
/** A delete that failed while the client stayed ready (a timeout) is retried this often. */
const RETRY_MS = 1000
const DEL_CHUNK = 500

/** A SCAN MATCH pattern for keys starting with `text` (the prefix is configuration: escape its glob characters). */
const globPrefix = (text: string) => `${text.replace(/[*?[\]\\]/g, '\\$&')}*`

/**
 * A delete that fails cannot be dropped: the entry would outlive a logout or a ban (or show old data) on every
 * instance once Redis is back, for up to its TTL. So a failed delete is remembered as pending, and retried as
 * soon as the client is ready again (its 'ready' event after a reconnect, or every second if it never dropped).
 * While a key is pending this instance neither reads it from Redis (a miss: the caller reads PostgreSQL) nor
 * writes it (a set racing the failed delete could store what the change replaced; the retry deletes it anyway).
 * When a retry succeeds the app emits `cache:recovered`: realtime/sync.ts tells the other instances to drop their
 * in-process memory (verified identities, memberships), which they may have refilled from the stale entries.
 *
 * Past MAX_PENDING_DELETES a key is not remembered; its whole kind is distrusted instead, and the retry deletes
 * every key of that kind under this deployment's prefix by SCAN. A SCAN rather than a generation number in the
 * keys: a generation would itself have to reach every instance (another Redis read per lookup, or an in-process
 * copy that is stale exactly when Redis was unreachable); the SCAN runs once, after an outage long enough to
 * fill the set, and costs one pass over the keyspace in batches while the kind is served from PostgreSQL.
 */
export class Cache {
  /** Pending key → the mark when it was (last) remembered; a retry sent before that mark does not clear it. */
  private readonly pending = new Map<string, number>()
  /** Kinds that overflowed `pending`, with their mark. */
  private readonly overflowed = new Map<CacheKind, number>()
  private mark = 0
  private retry?: NodeJS.Timeout
  private flushing?: Promise<void>

  constructor(
    private readonly app: Application,
    private readonly maxPending = MAX_PENDING_DELETES
  ) {
    app.get('redisClient')?.on('ready', () => void this.flush())
  }

  /** The connected client, or undefined (Redis absent or down). */
  get client() {
    return readyRedis(this.app)
  }

  get enabled() {
    return Boolean(this.app.get('redisClient'))
  }

  key(kind: CacheKind, id: string) {
    return `${this.prefix}${kind}:${id}`
  }

  private get prefix() {
    return this.app.get('redis').keyPrefix
  }

  private kindOf(key: string) {
    return key.slice(this.prefix.length, key.indexOf(':', this.prefix.length)) as CacheKind
  }

  /** Whether Redis's entry for `key` can be read or written: no delete of it (or of its kind) is pending. */
  trusts(key: string) {
    return !this.pending.has(key) && !(this.overflowed.size && this.overflowed.has(this.kindOf(key)))
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.trusts(key)) return undefined
    const raw = await this.client?.get(key).catch(() => null)
    // Checked again: a delete of it may have failed while the read was on its way.
    return raw && this.trusts(key) ? (JSON.parse(raw) as T) : undefined
  }

  async set(key: string, value: unknown, ttlSeconds: number) {
    if (!this.trusts(key)) return
    await this.client?.set(key, JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined)
  }

  /** Deletes keys; a delete that cannot be done now is remembered and retried (see the class comment). */
  async del(...keys: string[]) {
    if (!keys.length || !this.enabled) return
    const client = this.client
    const sent = this.mark
    const done = client
      ? await deleteKeys(client, keys).then(
          () => true,
          () => false
        )
      : false
    if (done) this.settle(keys, [], sent)
    else this.remember(keys)
  }

  private remember(keys: string[]) {
    const first = this.pending.size === 0 && this.overflowed.size === 0
    const mark = ++this.mark
    for (const key of keys) {
      if (this.pending.has(key) || this.pending.size < this.maxPending) this.pending.set(key, mark)
      else {
        if (!this.overflowed.has(this.kindOf(key)))
          this.app
            .get('logger')
            .warn({ kind: this.kindOf(key) }, 'too many failed cache deletes; all of this kind go')
        this.overflowed.set(this.kindOf(key), mark)
      }
    }
    if (first)
      this.app.get('logger').warn({ keys: keys.length }, 'cache delete failed; retried when Redis is back')
    this.retryLater()
  }

  private retryLater() {
    this.retry ??= setTimeout(() => {
      this.retry = undefined
      void this.flush()
    }, RETRY_MS).unref()
  }

  /** Forgets pending keys and kinds whose delete (sent at `sent`) succeeded, unless they failed again since. */
  private settle(keys: string[], kinds: CacheKind[], sent: number) {
    for (const key of keys) if ((this.pending.get(key) ?? Infinity) <= sent) this.pending.delete(key)
    for (const kind of kinds)
      if ((this.overflowed.get(kind) ?? Infinity) <= sent) this.overflowed.delete(kind)
  }

  /** Retries every pending delete (one run at a time); a failure waits for the next 'ready' or timer. */
  flush(): Promise<void> {
    this.flushing ??= this.retryPending().finally(() => (this.flushing = undefined))
    return this.flushing
  }

  private async retryPending() {
    const client = this.client
    if (!client || (this.pending.size === 0 && this.overflowed.size === 0)) return
    const sent = this.mark
    const keys = [...this.pending.keys()]
    const kinds = [...this.overflowed.keys()]
    try {
      for (const kind of kinds) await this.deleteAll(client, kind)
      for (let i = 0; i < keys.length; i += DEL_CHUNK) await deleteKeys(client, keys.slice(i, i + DEL_CHUNK))
    } catch {
      this.retryLater()
      return
    }
    this.settle(keys, kinds, sent)
    if (this.pending.size || this.overflowed.size) this.retryLater() // failed again while this ran
    this.app.get('logger').info({ keys: keys.length, kinds }, 'failed cache deletes done after all')
    this.app.emit('cache:recovered')
  }

  /** Every key of a kind under this deployment's prefix, on every node (Cluster: every master). */
  private async deleteAll(client: RedisClient, kind: CacheKind) {
    const match = globPrefix(`${this.prefix}${kind}:`)
    for (const node of client instanceof Cluster ? client.nodes('master') : [client]) {
      let cursor = '0'
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000)
        cursor = next
        // Through the client, not the node: on a Cluster one node's keys span slots (see deleteKeys).
        await deleteKeys(client, found)
      } while (cursor !== '0')
    }
  }
}

declare module '../declarations' {
  interface Configuration {
    cache: Cache
  }
}

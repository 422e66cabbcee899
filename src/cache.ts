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
  }
}

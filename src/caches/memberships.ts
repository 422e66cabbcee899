// Recently proven memberships, so the hot paths (sending, history, typing, search) do not ask PostgreSQL
// "is this user in this chat?" on every call. Only positive answers are kept, for 30 s: a user added to a chat
// is found at once. A user who leaves (or whose group is deleted) is forgotten at once on every instance, by the
// same synced events that take their sockets out of the chat's channel (channels.ts, leaveChat).
import { LRUCache } from 'lru-cache'

declare module '../declarations' {
  interface Configuration {
    memberships: MembershipCache
  }
}

export class MembershipCache {
  private readonly members: LRUCache<string, true>

  constructor(keepMs = 30_000, maxEntries = 50_000) {
    this.members = new LRUCache<string, true>({ max: maxEntries, ttl: keepMs, ttlAutopurge: false })
  }

  private key(chatId: string, userId: string) {
    return `${chatId} ${userId}`
  }

  has(chatId: string, userId: string) {
    return this.members.get(this.key(chatId, userId)) === true
  }

  remember(chatId: string, userId: string) {
    this.members.set(this.key(chatId, userId), true)
  }

  forget(chatId: string, userId: string) {
    this.members.delete(this.key(chatId, userId))
  }

  /** After a gap in the synced events (realtime/resync.ts): a lost removal may have left any entry wrong. */
  clear() {
    this.members.clear()
  }
}

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

/** A member's mute end as the cache keeps it: ms since the epoch, 0 for none. */
export const muteEndMs = (mutedUntil: string | Date | null | undefined) =>
  mutedUntil ? new Date(mutedUntil).getTime() : 0

// Moderation (SPEC §15): an entry also keeps the member's mute (`muted_until` in ms, 0 for none), so the
// send, reaction and typing paths check it without a query. A mute or unmute forgets the entry on every
// instance (channels.ts, from the synced mute events), like a removal.
export class MembershipCache {
  private readonly members: LRUCache<string, number>

  constructor(keepMs = 30_000, maxEntries = 50_000) {
    this.members = new LRUCache<string, number>({ max: maxEntries, ttl: keepMs, ttlAutopurge: false })
  }

  /**
   * Bumped by every forget and clear. A membership read from PostgreSQL while a forget ran may be the removed
   * one (the read saw the row, the removal's forget found nothing to drop yet): `rememberSince` drops it.
   */
  private forgets = 0

  private key(chatId: string, userId: string) {
    return `${chatId} ${userId}`
  }

  has(chatId: string, userId: string) {
    return this.members.get(this.key(chatId, userId)) !== undefined
  }

  /** The remembered member's mute end (ms since the epoch, 0 when not muted); undefined if not remembered. */
  mutedUntil(chatId: string, userId: string): number | undefined {
    return this.members.get(this.key(chatId, userId))
  }

  remember(chatId: string, userId: string, mutedUntil: string | Date | null = null) {
    this.members.set(this.key(chatId, userId), muteEndMs(mutedUntil))
  }

  /** Take before reading memberships from PostgreSQL; pass to `rememberSince` with what the read found. */
  mark() {
    return this.forgets
  }

  /** Remembers the membership unless something was forgotten since `mark` (then the read may be stale). */
  rememberSince(mark: number, chatId: string, userId: string, mutedUntil: string | Date | null = null) {
    if (mark !== this.forgets) return false
    this.remember(chatId, userId, mutedUntil)
    return true
  }

  forget(chatId: string, userId: string) {
    this.forgets++
    this.members.delete(this.key(chatId, userId))
  }

  /** After a gap in the synced events (realtime/resync.ts): a lost removal may have left any entry wrong. */
  clear() {
    this.forgets++
    this.members.clear()
  }
}

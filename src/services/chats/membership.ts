// Membership queries shared by the authorization hooks, channels and services. `chat_participants` is
// the one source of truth for who may see a chat (private or group); `group_members` adds roles.
import type { Knex } from 'knex'

export interface Participant {
  chat_id: string
  user_id: string
  joined_at: string
  last_read_seq: number
  last_delivered_seq: number
}

export const findParticipant = (db: Knex, chatId: string, userId: string): Promise<Participant | undefined> =>
  db('chat_participants').where({ chat_id: chatId, user_id: userId }).first()

export const chatIdsOfUser = async (db: Knex, userId: string): Promise<string[]> =>
  (await db('chat_participants').where({ user_id: userId }).pluck('chat_id')) as string[]

export const memberIdsOfChat = async (db: Knex, chatId: string): Promise<string[]> =>
  (await db('chat_participants').where({ chat_id: chatId }).pluck('user_id')) as string[]

/** Everyone in any of these chats, once each. */
export const memberIdsOfChats = async (db: Knex, chatIds: string[]): Promise<string[]> =>
  (await db('chat_participants').whereIn('chat_id', chatIds).distinct().pluck('user_id')) as string[]

/** Users who share a private chat with `userId` (their chat lists show this user's name, avatar, status). */
export const privateContactsOf = async (db: Knex, userId: string): Promise<string[]> =>
  (await db('chat_participants as mine')
    .join('chats as c', function () {
      this.on('c.chat_id', '=', 'mine.chat_id').andOnVal('c.type', '=', 'private')
    })
    .join('chat_participants as other', 'other.chat_id', 'mine.chat_id')
    .where('mine.user_id', userId)
    .whereNot('other.user_id', userId)
    .pluck('other.user_id')) as string[]

/** Adds participants (ignoring ones already there) inside the caller's transaction. */
export const addParticipants = async (trx: Knex, chatId: string, userIds: string[], seq = 0) => {
  if (userIds.length === 0) return
  await trx('chat_participants')
    .insert(
      userIds.map((user_id) => ({ chat_id: chatId, user_id, last_read_seq: seq, last_delivered_seq: seq }))
    )
    .onConflict(['chat_id', 'user_id'])
    .ignore()
}

/**
 * Recently proven memberships, so the hot paths (sending, history, typing, search) do not ask PostgreSQL
 * "is this user in this chat?" on every call. Only positive answers are kept, for 30 s: a user added to a chat
 * is found at once. A user who leaves (or whose group is deleted) is forgotten at once on every instance, by the
 * same synced events that take their sockets out of the chat's channel (channels.ts, leaveChat).
 */
export class MembershipCache {
  private readonly members = new Map<string, number>()

  constructor(
    private readonly keepMs = 30_000,
    private readonly maxEntries = 50_000
  ) {}

  private key(chatId: string, userId: string) {
    return `${chatId} ${userId}`
  }

  has(chatId: string, userId: string) {
    const key = this.key(chatId, userId)
    const until = this.members.get(key)
    if (until !== undefined && Date.now() < until) return true
    if (until !== undefined) this.members.delete(key)
    return false
  }

  remember(chatId: string, userId: string) {
    if (this.members.size >= this.maxEntries) this.members.delete(this.members.keys().next().value!)
    this.members.set(this.key(chatId, userId), Date.now() + this.keepMs)
  }

  forget(chatId: string, userId: string) {
    this.members.delete(this.key(chatId, userId))
  }

  /** After a gap in the synced events (realtime/resync.ts): a lost removal may have left any entry wrong. */
  clear() {
    this.members.clear()
  }
}

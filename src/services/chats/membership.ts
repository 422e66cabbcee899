// Membership queries shared by the authorization hooks, channels and services. `chat_participants` is
// the one source of truth for who may see a chat (private or group); `group_members` adds roles.
import type { Knex } from 'knex'

export interface Participant {
  chat_id: string
  user_id: string
  joined_at: string
  last_read_seq: number
  last_delivered_seq: number
  /** Moderation (SPEC §15): the member cannot send, react or type before this time (group chats). */
  muted_until?: string | Date | null
}

export const findParticipant = (db: Knex, chatId: string, userId: string): Promise<Participant | undefined> =>
  db('chat_participants').where({ chat_id: chatId, user_id: userId }).first()

/** How many chats the user is in (the admin CLI's `user show`; the chat list itself never counts). */
export const chatCountOf = async (db: Knex, userId: string): Promise<number> => {
  const [{ count }] = await db('chat_participants').where({ user_id: userId }).count({ count: '*' })
  return Number(count)
}

export const memberIdsOfChat = async (db: Knex, chatId: string): Promise<string[]> =>
  (await db('chat_participants').where({ chat_id: chatId }).pluck('user_id')) as string[]

/** Everyone in any of these chats, once each. */
export const memberIdsOfChats = async (db: Knex, chatIds: string[]): Promise<string[]> =>
  (await db('chat_participants').whereIn('chat_id', chatIds).distinct().pluck('user_id')) as string[]

/**
 * Users who share a private chat with any of these users (their chat lists show those users' name, avatar,
 * status); one query for a whole batch of status changes.
 */
export const privateContactsOfUsers = async (db: Knex, userIds: string[]): Promise<string[]> =>
  userIds.length === 0
    ? []
    : ((await db('chat_participants as mine')
        .join('chats as c', function () {
          this.on('c.chat_id', '=', 'mine.chat_id').andOnVal('c.type', '=', 'private')
        })
        .join('chat_participants as other', 'other.chat_id', 'mine.chat_id')
        .whereIn('mine.user_id', userIds)
        .whereRaw('other.user_id <> mine.user_id')
        .distinct()
        .pluck('other.user_id')) as string[])

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

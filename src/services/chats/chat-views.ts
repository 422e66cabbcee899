// Builds what a member sees of a list of chats with a fixed number of queries per page (not per chat):
// last messages, the other user of private chats, group info.
import type { Knex } from 'knex'
import { messageColumns, type Message } from '../messages/messages.schema'
import { mentionCounts } from '../messages/mention-store'
import { withMyReactions } from '../messages/reactions/reaction-store'
import {
  chatGroupInfoSchema,
  chatUserSchema,
  type Chat,
  type ChatGroupInfo,
  type ChatMember,
  type ChatUser
} from './chats.schema'

export const chatUserColumns = Object.keys(chatUserSchema.properties)
/** A group chat's group, with `chat_id` to match it to its chat (dropped before it is shown). */
export const groupInfoColumns = ['chat_id', ...Object.keys(chatGroupInfoSchema.properties)]

const byKey = <T>(rows: T[], key: (row: T) => string) => new Map(rows.map((row) => [key(row), row]))

export const decorateChats = async (db: Knex, chats: Chat[], viewerId: string): Promise<Chat[]> => {
  if (chats.length === 0) return chats
  const withMessages = chats.filter((c) => c.last_seq > 0)
  const privateIds = chats.filter((c) => c.type === 'private').map((c) => c.chat_id)
  const groupChatIds = chats.filter((c) => c.type === 'group').map((c) => c.chat_id)
  // Mentions after my read pointer: only chats with unread messages can have any (none: no query).
  const unreadIds = chats.filter((c) => (c.unread_count ?? 0) > 0).map((c) => c.chat_id)

  const [lastMessages, others, groups, mentions] = await Promise.all([
    withMessages.length
      ? db('messages')
          .select(messageColumns)
          .whereIn(
            ['chat_id', 'seq'],
            withMessages.map((c) => [c.chat_id, c.last_seq])
          )
      : [],
    privateIds.length
      ? db('chat_participants as p')
          .join('users as u', 'u.user_id', 'p.user_id')
          .whereIn('p.chat_id', privateIds)
          .whereNot('p.user_id', viewerId)
          .select(['p.chat_id', ...chatUserColumns.map((c) => `u.${c}`)])
      : [],
    groupChatIds.length ? db('groups').whereIn('chat_id', groupChatIds).select(groupInfoColumns) : [],
    mentionCounts(db, viewerId, unreadIds)
  ])
  // `me` on the last messages' reactions: one more query, only when one of them has reactions.
  const lastByChat = byKey(await withMyReactions(db, viewerId, lastMessages as Message[]), (m) => m.chat_id)
  const otherByChat = byKey(others as Array<ChatUser & { chat_id: string }>, (u) => u.chat_id)
  const groupByChat = byKey(groups as Array<ChatGroupInfo & { chat_id: string }>, (g) => g.chat_id)

  return chats.map((chat) => {
    const view: Chat = { ...chat, last_message: lastByChat.get(chat.chat_id) ?? null }
    if (chat.unread_count !== undefined) view.mention_count = mentions.get(chat.chat_id) ?? 0
    if (chat.type === 'private') {
      const other = otherByChat.get(chat.chat_id)
      view.other_user = other ? withoutChatId(other) : null
    } else {
      const group = groupByChat.get(chat.chat_id)
      view.group = group ? withoutChatId(group) : null
    }
    return view
  })
}

const withoutChatId = <T extends { chat_id: string }>(row: T): Omit<T, 'chat_id'> => {
  const { chat_id: _chatId, ...rest } = row
  return rest
}

/** The members of one chat, oldest first, with their group role when the chat is a group's. */
export const chatMembers = async (db: Knex, chatId: string): Promise<ChatMember[]> =>
  db('chat_participants as p')
    .join('users as u', 'u.user_id', 'p.user_id')
    .leftJoin('groups as g', 'g.chat_id', 'p.chat_id')
    .leftJoin('group_members as m', function () {
      this.on('m.group_id', '=', 'g.group_id').andOn('m.user_id', '=', 'p.user_id')
    })
    .where('p.chat_id', chatId)
    .orderBy([
      { column: 'p.joined_at', order: 'asc' },
      { column: 'p.id', order: 'asc' }
    ])
    .select([...chatUserColumns.map((c) => `u.${c}`), 'p.joined_at', 'p.last_read_seq', 'm.role'])
    // Moderation (SPEC §15): a mute that has not ended yet.
    .select(db.raw('CASE WHEN p.muted_until > now() THEN p.muted_until END AS muted_until'))
    .then((rows: any[]) => rows.map((row) => (row.role ? row : { ...row, role: undefined })))

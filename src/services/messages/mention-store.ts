// The SQL of mentions (SPEC §12), next to the data: the check a send or edit makes (one query), the rows an
// edit replaces and a delete removes, counts for the chat list and the page of GET /api/mentions.
// New messages get their rows from the writer's statement (thread-mention-statements.ts).
import type { Knex } from 'knex'
import { messageColumns, type Message } from './messages.schema'
import { MENTION_ALL } from './thread-mention.schema'

export interface MentionCheck {
  /** The chat's type (undefined: no such chat). */
  type?: 'private' | 'group'
  /** How many of the mentioned ids are members of the chat. */
  members: number
  /** The sender's role in the chat's group, if any. */
  role?: string
}

/** One query: the chat's type, how many of `userIds` are its members, and the sender's group role. */
export const checkMentions = async (
  db: Knex,
  chatId: string,
  senderId: string,
  userIds: string[]
): Promise<MentionCheck> => {
  const members = userIds.length
    ? db('chat_participants').where('chat_id', chatId).whereIn('user_id', userIds).count('*')
    : db.raw('0')
  const role = db('groups as g')
    .join('group_members as m', 'm.group_id', 'g.group_id')
    .where({ 'g.chat_id': chatId, 'm.user_id': senderId })
    .select('m.role')
  const row = await db('chats')
    .where('chat_id', chatId)
    .first('type', db.raw('(?) AS members', [members]), db.raw('(?) AS role', [role]))
  return { type: row?.type, members: Number(row?.members ?? 0), role: row?.role ?? undefined }
}

// The members an edited message now mentions (the sender never), then: rows no longer wanted go, new ones come.
const REPLACE_SQL = `
WITH wanted AS (
  SELECT p.user_id FROM chat_participants p
  WHERE p.chat_id = ? AND p.user_id <> ?
    AND (?::jsonb @> jsonb_build_array(p.user_id) OR ?::jsonb @> '["${MENTION_ALL}"]'::jsonb)
), gone AS (
  DELETE FROM message_mentions WHERE message_id = ? AND user_id NOT IN (SELECT user_id FROM wanted)
)
INSERT INTO message_mentions (message_id, chat_id, seq, user_id)
SELECT ?, ?, ?::int, user_id FROM wanted
ON CONFLICT (message_id, user_id) DO NOTHING`

/** After an edit that set `mentions` (inside the edit's transaction): the rows follow the new list. */
export const replaceMentionRows = async (trx: Knex, message: Message) => {
  const mentions = JSON.stringify(message.mentions ?? [])
  await trx.raw(REPLACE_SQL, [
    message.chat_id,
    message.sender_id,
    mentions,
    mentions,
    message.message_id,
    message.message_id,
    message.chat_id,
    message.seq
  ])
}

/** A deleted message mentions nobody any more (inside the delete's transaction). */
export const deleteMentionRows = (trx: Knex, messageId: string) =>
  trx('message_mentions').where('message_id', messageId).delete()

/**
 * The viewer's mentions after their read pointer, per chat, for the chats given (one query). Callers pass only
 * chats with unread messages: a mention is a message, so no unread messages means no unread mentions.
 */
export const mentionCounts = async (db: Knex, userId: string, chatIds: string[]) => {
  if (chatIds.length === 0) return new Map<string, number>()
  const rows: Array<{ chat_id: string; n: string | number }> = await db('message_mentions as mm')
    .join('chat_participants as p', function () {
      this.on('p.chat_id', '=', 'mm.chat_id').andOn('p.user_id', '=', 'mm.user_id')
    })
    .where('mm.user_id', userId)
    .whereIn('mm.chat_id', chatIds)
    .whereRaw('mm.seq > p.last_read_seq')
    .groupBy('mm.chat_id')
    .select('mm.chat_id', db.raw('count(*) AS n'))
  return new Map(rows.map((r) => [r.chat_id, Number(r.n)]))
}

/**
 * Messages that mention the user, newest first (by message_id: ULIDs sort by time), in chats they are still
 * in, never deleted ones; `limit + 1` rows so the caller knows whether there is more.
 */
export const mentionsOf = (db: Knex, userId: string, limit: number, before?: string): Promise<Message[]> =>
  db('message_mentions as mm')
    .join('chat_participants as p', function () {
      this.on('p.chat_id', '=', 'mm.chat_id').andOn('p.user_id', '=', 'mm.user_id')
    })
    .join('messages as m', 'm.message_id', 'mm.message_id')
    .where('mm.user_id', userId)
    .whereNull('m.deleted_at')
    .modify((q) => {
      if (before) q.where('mm.message_id', '<', before)
    })
    .orderBy('mm.message_id', 'desc')
    .limit(limit + 1)
    .select(messageColumns.map((c) => `m.${c}`))

// The SQL of threads (SPEC §10), next to the data. A root's summary is written by the message writer's
// statement (thread-mention-statements.ts); this reads roots and pages of replies.
import type { Knex } from 'knex'
import { messageColumns, type Message } from '../messages.schema'

/** What a send needs to know of a would-be thread root (undefined: no such message). */
export const threadRootOf = (
  db: Knex,
  messageId: string
): Promise<{ chat_id: string; thread_root_id: string | null; deleted_at: string | null } | undefined> =>
  db('messages').where('message_id', messageId).first('chat_id', 'thread_root_id', 'deleted_at')

/** The seq of a reply of this thread (a `before` cursor), undefined if it is not one. */
export const replySeqOf = async (db: Knex, rootId: string, messageId: string) =>
  (await db('messages').where({ thread_root_id: rootId, message_id: messageId }).first('seq'))?.seq as
    number | undefined

/** One page of replies by seq, `limit + 1` rows so the caller knows whether there is more. */
export const threadReplies = (
  db: Knex,
  rootId: string,
  page: { afterSeq?: number; beforeSeq?: number; limit: number; order: 'asc' | 'desc' }
): Promise<Message[]> =>
  db('messages')
    .select(messageColumns)
    .where('thread_root_id', rootId)
    .modify((q) => {
      if (page.afterSeq !== undefined) q.where('seq', '>', page.afterSeq)
      if (page.beforeSeq !== undefined) q.where('seq', '<', page.beforeSeq)
    })
    .orderBy('seq', page.order)
    .limit(page.limit + 1)

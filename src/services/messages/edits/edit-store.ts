// Edit history: every edit keeps the content it replaced, in the same transaction as the edit; deleting a
// message deletes its history, reactions, mentions and pin in the same transaction (nothing of it stays readable).
import type { Knex } from 'knex'
import { messageColumns, type Message } from '../messages.schema'
import { deleteMentionRows, replaceMentionRows } from '../mention-store'
import { RECOUNT_THREAD_SQL } from '../thread-mention-statements'
// Outgoing webhooks (SPEC §15): the event enters the outbox in the edit's or deletion's transaction.
import { enqueueWebhookEvent } from '../../webhooks/outbox'

/**
 * Edits a message that is not deleted; undefined if there is none. The row lock orders concurrent edits.
 * `mentions` given: the column and the per-user mention rows change with it (mention-store.ts).
 */
export const editMessage = (db: Knex, messageId: string, content: string, mentions?: string[]) =>
  db.transaction(async (trx): Promise<Message | undefined> => {
    const current = await trx('messages')
      .where({ message_id: messageId })
      .whereNull('deleted_at')
      .forUpdate()
      .first('content')
    if (!current) return undefined
    const [message] = await trx('messages')
      .where({ message_id: messageId })
      .update({
        content,
        edited_at: trx.fn.now(),
        ...(mentions ? { mentions: JSON.stringify(mentions) } : {})
      })
      .returning(messageColumns)
    if (mentions) await replaceMentionRows(trx, message)
    await trx('message_edits').insert({
      message_id: messageId,
      content: current.content,
      edited_at: message.edited_at
    })
    await enqueueWebhookEvent(trx, 'message.updated', message.chat_id, message)
    return message
  })

export interface DeletedMessage {
  /** The tombstone. */
  message: Message
  /** Its thread's root with the summary counted again, when the deleted message was a reply. */
  root?: Message
}

/**
 * The tombstone, then the message's reactions and history, and for a reply its root's thread summary (the
 * deleted reply no longer counts). Separate statements after the row lock: each sees what a concurrent
 * reaction committed while this waited for the lock (one statement's snapshot would not). The root is locked
 * by a statement of its own for the same reason: a batch of new replies that held it has committed before
 * the recount reads the replies (and a batch that comes after adds to the recounted summary).
 */
/** `inTransaction`: more writes in the deletion's transaction (the audit row of a moderator's delete). */
export const deleteMessage = (
  db: Knex,
  messageId: string,
  inTransaction?: (trx: Knex.Transaction, message: Message) => Promise<void>
) =>
  db.transaction(async (trx): Promise<DeletedMessage | undefined> => {
    const [message] = await trx('messages')
      .where({ message_id: messageId })
      .whereNull('deleted_at')
      .update({
        content: '',
        file_id: null,
        deleted_at: trx.fn.now(),
        reactions: trx.raw(`'[]'::jsonb`),
        pinned_at: null,
        pinned_by: null,
        mentions: trx.raw(`'[]'::jsonb`)
      })
      .returning(messageColumns)
    if (!message) return undefined
    await inTransaction?.(trx, message)
    await deleteMentionRows(trx, messageId)
    await trx('message_reactions').where({ message_id: messageId }).delete()
    await trx('message_edits').where({ message_id: messageId }).delete()
    await enqueueWebhookEvent(trx, 'message.deleted', message.chat_id, message)
    if (!message.thread_root_id) return { message }
    await trx('messages').where({ message_id: message.thread_root_id }).forUpdate().first('message_id')
    const recounted = await trx.raw(RECOUNT_THREAD_SQL, [message.thread_root_id])
    return { message, root: recounted.rows[0] as Message | undefined }
  })

/** The previous contents of a message, oldest first. */
export const editsOf = (
  db: Knex,
  messageId: string
): Promise<Array<{ content: string; edited_at: string }>> =>
  db('message_edits').where({ message_id: messageId }).orderBy('id', 'asc').select('content', 'edited_at')

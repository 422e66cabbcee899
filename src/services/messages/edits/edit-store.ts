// Edit history: every edit keeps the content it replaced, in the same transaction as the edit; deleting a
// message deletes its history, reactions, mentions and pin in the same transaction (nothing of it stays readable).
import type { Knex } from 'knex'
import { messageColumns, type Message } from '../messages.schema'
import { deleteMentionRows, replaceMentionRows } from '../mention-store'

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
    return message
  })

/**
 * The tombstone, then the message's reactions and history. Separate statements after the row lock: each sees
 * what a concurrent reaction committed while this waited for the lock (one statement's snapshot would not).
 */
export const deleteMessage = (db: Knex, messageId: string) =>
  db.transaction(async (trx): Promise<Message | undefined> => {
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
    await deleteMentionRows(trx, messageId)
    await trx('message_reactions').where({ message_id: messageId }).delete()
    await trx('message_edits').where({ message_id: messageId }).delete()
    return message
  })

/** The previous contents of a message, oldest first. */
export const editsOf = (
  db: Knex,
  messageId: string
): Promise<Array<{ content: string; edited_at: string }>> =>
  db('message_edits').where({ message_id: messageId }).orderBy('id', 'asc').select('content', 'edited_at')

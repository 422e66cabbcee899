// Pin queries. A pin lives on its message row (`pinned_at`, `pinned_by`), so message reads need no extra
// query. Pinning takes a transaction-scoped advisory lock per chat before counting, so the 100-pin limit is
// exact under concurrency without locking the chat row the message writer uses for every send.
import { BadRequest } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { messageColumns, type Message } from '../../messages/messages.schema'

export const MAX_PINS = 100

export interface PinChange {
  changed: boolean
  message: Message
}

const invalidMessageId = (message: string) =>
  new BadRequest(`Invalid data: message_id ${message}`, [{ instancePath: '/message_id', message }])

const lockPinsOf = (trx: Knex.Transaction, chatId: string) =>
  trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [`pins:${chatId}`])

const lockMessage = async (trx: Knex.Transaction, chatId: string, messageId: string) => {
  const message = await trx('messages')
    .where({ chat_id: chatId, message_id: messageId })
    .whereNull('deleted_at')
    .forUpdate()
    .first(messageColumns)
  if (!message) throw invalidMessageId('must be a message of this chat that is not deleted')
  return message as Message
}

export const pinMessage = (db: Knex, chatId: string, messageId: string, userId: string) =>
  db.transaction(async (trx): Promise<PinChange> => {
    await lockPinsOf(trx, chatId)
    const current = await lockMessage(trx, chatId, messageId)
    if (current.pinned_at) return { changed: false, message: current }
    const [{ count }] = await trx('messages')
      .where({ chat_id: chatId })
      .whereNotNull('pinned_at')
      .count({ count: '*' })
    if (Number(count) >= MAX_PINS)
      throw invalidMessageId(`cannot be pinned: a chat has at most ${MAX_PINS} pins`)
    const [message] = await trx('messages')
      .where({ chat_id: chatId, message_id: messageId })
      .update({ pinned_at: trx.fn.now(), pinned_by: userId })
      .returning(messageColumns)
    return { changed: true, message }
  })

export const unpinMessage = (db: Knex, chatId: string, messageId: string) =>
  db.transaction(async (trx): Promise<PinChange> => {
    const current = await lockMessage(trx, chatId, messageId)
    if (!current.pinned_at) return { changed: false, message: current }
    const [message] = await trx('messages')
      .where({ chat_id: chatId, message_id: messageId })
      .update({ pinned_at: null, pinned_by: null })
      .returning(messageColumns)
    return {
      changed: true,
      message: { ...message, pinned_at: current.pinned_at, pinned_by: current.pinned_by }
    }
  })

/** Pinned messages of a chat, newest pin first; `before`: the message id of the last pin of the previous page. */
export const pinnedMessages = async (db: Knex, chatId: string, limit: number, before?: string) => {
  let cursor: { pinned_at: string; id: number } | undefined
  if (before) {
    cursor = await db('messages')
      .where({ chat_id: chatId, message_id: before })
      .whereNotNull('pinned_at')
      .first('pinned_at', 'id')
    if (!cursor)
      throw new BadRequest('Invalid data: before must be a pinned message of this chat', [
        { instancePath: '/before', message: 'must be a pinned message of this chat' }
      ])
  }
  const rows: Message[] = await db('messages')
    .where({ chat_id: chatId })
    .whereNotNull('pinned_at')
    .modify((q) => {
      if (cursor) q.whereRaw('(pinned_at, id) < (?::timestamptz, ?)', [cursor.pinned_at, cursor.id])
    })
    .orderBy([
      { column: 'pinned_at', order: 'desc' },
      { column: 'id', order: 'desc' }
    ])
    .limit(limit + 1)
    .select(messageColumns)
  return { rows: rows.slice(0, limit), has_more: rows.length > limit }
}

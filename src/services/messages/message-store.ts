// Message queries shared by hooks and services (the writes are in message-writer.ts and messages.class.ts).
import type { Knex } from 'knex'
import { fileColumns, type FileRecord } from '../files/files.schema'
import type { Message } from './messages.schema'

/** The stored message row (every column), or undefined. */
export const findMessage = (db: Knex, messageId: string): Promise<Message | undefined> =>
  db('messages').where({ message_id: messageId }).first()

/** Whether the message exists in that chat (deleted ones included: a reply may point at a tombstone). */
export const isMessageOfChat = async (db: Knex, messageId: string, chatId: string): Promise<boolean> =>
  Boolean(await db('messages').where({ message_id: messageId, chat_id: chatId }).first('message_id'))

/**
 * Attachments carry their file's metadata as `file`; a deleted file leaves `{ deleted: true }` (the
 * message's `file_id` became null). One query per page, none when the page has no attachments.
 */
export const withFiles = async <M extends Message>(db: Knex, messages: M[]): Promise<M[]> => {
  const ids = [...new Set(messages.map((m) => m.file_id).filter((id): id is string => Boolean(id)))]
  const files = new Map<string, FileRecord>()
  if (ids.length)
    for (const f of await db('files').whereIn('file_id', ids).select(fileColumns)) files.set(f.file_id, f)
  return messages.map((m) =>
    m.type === 'text' ? m : { ...m, file: (m.file_id && files.get(m.file_id)) || { deleted: true as const } }
  )
}

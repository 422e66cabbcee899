// Message queries shared by hooks and services (the writes are in message-writer.ts and messages.class.ts).
import type { Knex } from 'knex'
import type { Message } from './messages.schema'

/** The stored message row (every column), or undefined. */
export const findMessage = (db: Knex, messageId: string): Promise<Message | undefined> =>
  db('messages').where({ message_id: messageId }).first()

/** Whether the message exists in that chat (deleted ones included: a reply may point at a tombstone). */
export const isMessageOfChat = async (db: Knex, messageId: string, chatId: string): Promise<boolean> =>
  Boolean(await db('messages').where({ message_id: messageId, chat_id: chatId }).first('message_id'))

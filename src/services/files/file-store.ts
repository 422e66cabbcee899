// File queries shared by hooks and services.
import type { Knex } from 'knex'
import type { FileRecord } from './files.schema'

/** A `files` row: the external shape plus where the bytes are. */
export type StoredFile = FileRecord & { storage_key: string }

export const findFile = (db: Knex, fileId: string): Promise<StoredFile | undefined> =>
  db('files').where({ file_id: fileId }).first()

/** Whether a message carrying the file is in a chat the user is a participant of. */
export const fileSharedWith = async (db: Knex, fileId: string, userId: string): Promise<boolean> =>
  Boolean(
    await db('messages as m')
      .join('chat_participants as p', 'p.chat_id', 'm.chat_id')
      .where({ 'm.file_id': fileId, 'p.user_id': userId })
      .first('m.message_id')
  )

/** A file the user uploaded to attach to a message, or undefined. */
export const ownMessageUpload = (
  db: Knex,
  fileId: string,
  userId: string
): Promise<Pick<StoredFile, 'file_id' | 'mime_type'> | undefined> =>
  db('files').where({ file_id: fileId, user_id: userId, purpose: 'message' }).first('file_id', 'mime_type')

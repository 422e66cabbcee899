// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// `api/files`: a stored file's metadata, and deleting it (row and bytes). Messages that carried it keep a
// tombstone attachment (`file_id` null, `file.deleted` true) and are announced as `patched`.
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import { BadRequest } from '@feathersjs/errors'
import type { Application } from '../../declarations'
import { fileColumns, type FileRecord } from './files.schema'
import { fileNotFound } from '../../errors'

export class FileService {
  constructor(private readonly app: Application) {}

  async get(id: Id, _params?: Params): Promise<FileRecord> {
    const file = await this.app
      .get('postgresqlClient')('files')
      .where({ file_id: String(id) })
      .first(fileColumns)
    if (!file) throw fileNotFound()
    return file
  }

  async remove(id: NullableId, _params?: Params): Promise<FileRecord> {
    if (id === null) throw new BadRequest('Deleting several files at once is not supported')
    const db = this.app.get('postgresqlClient')
    const row = await db('files')
      .where({ file_id: String(id) })
      .first()
    if (!row) throw fileNotFound()
    const affected = await db('messages').where({ file_id: row.file_id }).pluck('message_id')
    await db('files').where({ file_id: row.file_id }).delete() // messages.file_id → NULL (FK ON DELETE SET NULL)
    await this.app.get('storage').remove(row.storage_key)
    for (const messageId of affected) {
      const message = await this.app.service('api/messages').get(messageId)
      this.app.service('api/messages').emit('patched', message)
      await this.app.get('recentMessages').put(message)
    }
    const { storage_key: _key, id: _id, ...file } = row
    return file
  }
}

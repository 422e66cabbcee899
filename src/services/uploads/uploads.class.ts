// `POST /api/uploads`: the file streams to storage under a generated key while its first bytes are kept to
// sniff its type (file-type); the size limit is enforced during the stream; a refused upload leaves nothing.
import crypto from 'node:crypto'
import path from 'node:path'
import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import { newId } from '../../ids'
import type { Application } from '../../declarations'
import { allowedTypes, type FileRecord, type UploadData } from '../files/files.schema'
import { PayloadTooLarge, UnsupportedMediaType } from '../../errors'
import { quotaExceeded, usedBytes } from './quota'
import { captureHead } from './sniff'

/**
 * The client's filename is kept for display only: no path, no control characters (NUL included), no bidi
 * controls (`invoice\u202Egpj.exe` would show as `invoiceexe.jpg`), no lone surrogate (PostgreSQL-storable
 * text, see src/text.ts), at most 255 code points (never half of a surrogate pair).
 */
const hidden = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

export const cleanFilename = (name: string) =>
  [...path.basename(name.replace(/\\/g, '/'))]
    .filter((c) => !hidden.test(c))
    .slice(0, 255)
    .join('') || 'file'

const newStorageKey = () =>
  `${crypto.randomBytes(1).toString('hex')}/${crypto.randomBytes(16).toString('hex')}`

export class UploadService {
  constructor(private readonly app: Application) {}

  async create(data: UploadData, params: Params): Promise<FileRecord> {
    const upload = params.upload
    if (!upload)
      throw new BadRequest('Invalid data: file is required (multipart field `file`, after `purpose`)')
    const storage = this.app.get('storage')
    const { fileTypeFromBuffer } = await import('file-type')
    const bytes = captureHead(upload.stream)
    const key = newStorageKey()
    const stored = await storage.save(key, bytes.stream)
    const max = this.app.get('uploads').maxFileSize
    if (upload.stream.truncated) {
      await storage.remove(key)
      throw new PayloadTooLarge(`File is larger than the limit of ${max} bytes`, { maxFileSize: max })
    }
    if (stored.size === 0) {
      await storage.remove(key)
      throw new BadRequest('Invalid data: file is empty')
    }
    const mimeType = (await fileTypeFromBuffer(bytes.head()))?.mime ?? 'application/octet-stream'
    const allowed = allowedTypes[data.purpose]
    if (allowed && !allowed.includes(mimeType)) {
      await storage.remove(key)
      throw new UnsupportedMediaType(
        `A ${data.purpose} must be one of ${allowed.join(', ')} (this file is ${mimeType})`
      )
    }
    const fileId = newId()
    const record = {
      file_id: fileId,
      user_id: params.user!.user_id,
      filename: cleanFilename(upload.filename),
      mime_type: mimeType,
      size: stored.size,
      url: `/api/files/${fileId}/content`,
      purpose: data.purpose,
      storage_key: key
    }
    try {
      const row = await this.record(record)
      const { storage_key: _key, ...file } = record
      return { ...file, created_at: row.created_at }
    } catch (error) {
      await storage.remove(key)
      throw error
    }
  }

  /**
   * Inserts the file's row if it fits the uploader's quota. The lock on the user's row serializes one user's
   * uploads here, so concurrent uploads cannot each see the same free space.
   */
  private async record(record: { user_id: string; size: number }) {
    const quota = this.app.get('uploads').quotaBytesPerUser
    return this.app.get('postgresqlClient').transaction(async (trx) => {
      await trx('users').where({ user_id: record.user_id }).forUpdate().first('user_id')
      const used = await usedBytes(trx, record.user_id)
      if (used + record.size > quota) throw quotaExceeded(quota, used, record.size)
      const [row] = await trx('files').insert(record).returning('created_at')
      return row
    })
  }
}

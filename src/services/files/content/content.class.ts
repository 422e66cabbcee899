// `GET /api/files/:file_id/content`: the bytes, with the sniffed type, `nosniff` (helmet), inline only for
// safe images (anything else downloads), and single byte ranges (`Range: bytes=a-b` → 206) for large files.
import type { Readable } from 'node:stream'
import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { SAFE_IMAGE_TYPES } from '../files.schema'
import { fileNotFound, RangeNotSatisfiable } from '../../../errors'

type ContentParams = Params & { http?: { status?: number; headers?: Record<string, string> } }

/** Parses one `bytes=` range against a size; undefined for no/ignored header, null if unsatisfiable. */
export const parseRange = (header: string | undefined, size: number) => {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  let start: number
  let end: number
  if (match[1] === '') {
    start = Math.max(size - Number(match[2]), 0) // suffix range: the last N bytes
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  return start <= end && start < size ? { start, end } : null
}

const disposition = (type: string, filename: string) =>
  `${SAFE_IMAGE_TYPES.includes(type) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`

export class FileContentService {
  constructor(private readonly app: Application) {}

  /** Returns the byte stream; status and headers travel on `context.http` (set by a hook from params.http). */
  async find(params: ContentParams): Promise<Readable> {
    const file = params.file!
    const stored = await this.app.get('storage').stat(file.storage_key)
    if (!stored) throw fileNotFound()
    const headers: Record<string, string> = {
      'Content-Type': file.mime_type,
      'Content-Disposition': disposition(file.mime_type, file.filename),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, max-age=3600'
    }
    const range = parseRange(params.headers?.range as string | undefined, stored.size)
    if (range === null) {
      throw new RangeNotSatisfiable(`Range not satisfiable for ${stored.size} bytes`, { size: stored.size })
    }
    if (range) {
      params.http = {
        status: 206,
        headers: {
          ...headers,
          'Content-Range': `bytes ${range.start}-${range.end}/${stored.size}`,
          'Content-Length': String(range.end - range.start + 1)
        }
      }
      return this.app.get('storage').open(file.storage_key, range)
    }
    params.http = { status: 200, headers: { ...headers, 'Content-Length': String(stored.size) } }
    return this.app.get('storage').open(file.storage_key)
  }
}

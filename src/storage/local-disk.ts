// Storage on the local disk under UPLOAD_DIR. Keys look like `ab/cdef…` (two-level fan-out); a write goes
// to a temporary file first and is renamed into place only when complete.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import type { ByteRange, Storage, StoredObject } from './storage'

const SAFE_KEY = /^[a-z0-9]{2}\/[a-z0-9]{10,64}$/

export class LocalDiskStorage implements Storage {
  constructor(private readonly root: string) {}

  private pathOf(key: string) {
    if (!SAFE_KEY.test(key)) throw new Error(`invalid storage key`)
    return path.join(this.root, key)
  }

  async save(key: string, stream: Readable): Promise<StoredObject> {
    const target = this.pathOf(key)
    await fsp.mkdir(path.dirname(target), { recursive: true })
    const partial = `${target}.partial`
    try {
      await pipeline(stream, fs.createWriteStream(partial, { flags: 'wx' }))
      await fsp.rename(partial, target)
    } catch (error) {
      await fsp.rm(partial, { force: true })
      throw error
    }
    return { size: (await fsp.stat(target)).size }
  }

  open(key: string, range?: ByteRange): Readable {
    return fs.createReadStream(this.pathOf(key), range)
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const stats = await fsp.stat(this.pathOf(key)).catch(() => undefined)
    return stats?.isFile() ? { size: stats.size } : undefined
  }

  async remove(key: string) {
    await fsp.rm(this.pathOf(key), { force: true })
  }

  async *list(): AsyncIterable<string> {
    const shards = await fsp.readdir(this.root).catch(() => [] as string[])
    for (const shard of shards) {
      const files = await fsp.readdir(path.join(this.root, shard)).catch(() => [] as string[])
      for (const file of files) {
        const key = `${shard}/${file}`
        if (SAFE_KEY.test(key)) yield key
      }
    }
  }
}

// `files cleanup [--dry-run]`: stored objects that no `files` row points at, and `files` rows whose bytes
// are gone. Objects are removed through the Storage interface, rows deleted in the database.
import path from 'node:path'
import type { Command } from 'commander'
import type { Application } from '../../declarations'
import type { Storage } from '../../storage/storage'
import { LocalDiskStorage } from '../../storage/local-disk'
import { appCommand } from '../boot'
import { integer, note, printJson, printRows, type OutputOptions } from '../output'

interface FileRow {
  file_id: string
  storage_key: string
  filename: string | null
  size: number | null
  created_at: string
}

/** The app's storage; the local disk under UPLOAD_DIR if the app does not register one. */
const storageOf = (app: Application): Storage =>
  app.get('storage') ?? new LocalDiskStorage(path.resolve(app.get('uploads').dir))

const findOrphans = async (app: Application, storage: Storage, graceSeconds: number) => {
  const db = app.get('postgresqlClient')
  const keys: string[] = []
  for await (const key of storage.list()) keys.push(key)
  const known = new Set<string>(await db('files').whereNotNull('storage_key').pluck('storage_key'))
  const orphanObjects = keys.filter((key) => !known.has(key)).sort()

  // A row younger than the grace period may belong to an upload still writing its bytes.
  const cutoff = new Date(Date.now() - graceSeconds * 1000).toISOString()
  const rows: FileRow[] = await db('files')
    .whereNotNull('storage_key')
    .where('created_at', '<=', cutoff)
    .orderBy('id')
    .select('file_id', 'storage_key', 'filename', 'size', 'created_at')
  const missingBytes: FileRow[] = []
  for (const row of rows) {
    const stored = await storage.stat(row.storage_key).catch((error: Error) => {
      process.stderr.write(`warning: cannot check ${row.storage_key} (${error.message}); skipped\n`)
      return { size: -1 }
    })
    if (!stored) missingBytes.push(row)
  }
  return { orphanObjects, missingBytes }
}

export const registerFilesCommands = (program: Command) => {
  const files = program.command('files').description('uploaded files')

  appCommand(
    files
      .command('cleanup')
      .description('remove stored objects without a files row, and files rows without stored bytes')
      .option('--dry-run', 'only list what would be removed')
      .option('--grace <seconds>', 'ignore files rows younger than this (uploads in flight)', integer, 3600),
    async (app, options: OutputOptions & { dryRun?: boolean; grace: number }) => {
      const storage = storageOf(app)
      const db = app.get('postgresqlClient')
      const found = await findOrphans(app, storage, options.grace)
      const removedObjects: string[] = []
      const removedRows: string[] = []
      if (!options.dryRun) {
        for (const key of found.orphanObjects) {
          // Checked again: an upload may have recorded the object since the listing.
          if (await db('files').where({ storage_key: key }).first('id')) continue
          await storage.remove(key)
          removedObjects.push(key)
        }
        for (const row of found.missingBytes) {
          if (await db('files').where({ file_id: row.file_id }).delete()) removedRows.push(row.file_id)
        }
      }
      const result = {
        dry_run: Boolean(options.dryRun),
        orphan_objects: found.orphanObjects,
        missing_bytes: found.missingBytes,
        removed: { objects: removedObjects, rows: removedRows }
      }
      if (options.json) return printJson(result)
      note(options, `Stored objects without a files row: ${found.orphanObjects.length}`)
      if (found.orphanObjects.length) {
        printRows(
          options,
          found.orphanObjects.map((storage_key) => ({ storage_key })),
          ['storage_key']
        )
      }
      note(options, `Files rows whose bytes are missing: ${found.missingBytes.length}`)
      if (found.missingBytes.length) {
        printRows(options, found.missingBytes, ['file_id', 'storage_key', 'filename', 'size', 'created_at'])
      }
      note(
        options,
        options.dryRun
          ? 'Dry run: nothing removed.'
          : `Removed ${removedObjects.length} object(s) and ${removedRows.length} row(s).`
      )
    }
  )
}

// `migrate [--rollback [--all]]`: applies (or rolls back) the knex migrations on the configured database.
import type { Command } from 'commander'
import { rollbackMigrations, runMigrations } from '../../migrate'
import { appCommand } from '../boot'
import { note, printJson, printRows, type OutputOptions } from '../output'

export const registerMigrateCommand = (program: Command) => {
  appCommand(
    program
      .command('migrate')
      .description('apply pending migrations and print the ones applied')
      .option('--rollback', 'roll back the latest batch instead')
      .option('--all', 'with --rollback: roll back every batch'),
    async (app, options: OutputOptions & { rollback?: boolean; all?: boolean }) => {
      const db = app.get('postgresqlClient')
      const database = app.get('databaseKind')
      const done = options.rollback
        ? await rollbackMigrations(db, Boolean(options.all))
        : await runMigrations(db)
      const key = options.rollback ? 'rolled_back' : 'applied'
      if (options.json) return printJson({ database, [key]: done })
      if (done.length === 0) {
        return note(options, options.rollback ? 'Nothing to roll back' : `Already up to date (${database})`)
      }
      note(options, `${options.rollback ? 'Rolled back' : 'Applied'} on ${database}:`)
      printRows(
        options,
        done.map((migration) => ({ migration })),
        ['migration']
      )
    },
    // The command itself migrates: booting must not do it first.
    { database: { migrateOnStart: false } }
  )
}

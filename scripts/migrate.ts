// `npm run migrate [-- --rollback [--all]]`: applies (or rolls back) migrations on the configured database
// (PostgreSQL when DATABASE_URL / DB_HOST is set, else the embedded PGlite folder).
import '../src/env'
import config from 'config'
import { createDatabase } from '../src/postgresql'
import { rollbackMigrations, runMigrations } from '../src/migrate'

const main = async () => {
  const { db, kind, release } = createDatabase(config.get('database'))
  try {
    if (process.argv.includes('--rollback')) {
      const done = await rollbackMigrations(db, process.argv.includes('--all'))
      console.log(done.length ? `Rolled back on ${kind}: ${done.join(', ')}` : 'Nothing to roll back')
    } else {
      const done = await runMigrations(db)
      console.log(done.length ? `Applied on ${kind}: ${done.join(', ')}` : `Already up to date (${kind})`)
    }
  } finally {
    await db.destroy()
    release()
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

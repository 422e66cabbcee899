// Runs the knex migrations in `migrations/`. Names are stored without their extension so a database
// migrated from TypeScript sources (tsx) and later from compiled JavaScript (lib/) agree.
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import { projectRoot } from './env'

const migrationsDir = () => {
  // Compiled builds keep migrations next to src under lib/; sources live at the project root.
  const compiled = path.join(__dirname, '..', 'migrations')
  return fs.existsSync(compiled) ? compiled : path.join(projectRoot, 'migrations')
}

export class DirMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir = migrationsDir()) {}

  async getMigrations() {
    return fs
      .readdirSync(this.dir)
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort()
  }

  getMigrationName(file: string) {
    return file.replace(/\.(ts|js)$/, '')
  }

  async getMigration(file: string) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(this.dir, file))
  }
}

export const runMigrations = async (db: Knex) => {
  const [, applied] = await db.migrate.latest({ migrationSource: new DirMigrationSource() })
  return applied as string[]
}

export const rollbackMigrations = async (db: Knex, all = false) => {
  const [, rolledBack] = await db.migrate.rollback({ migrationSource: new DirMigrationSource() }, all)
  return rolledBack as string[]
}

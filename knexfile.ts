// For the knex CLI (`npx knex migrate:status` etc.). It reads the same configuration as the app, without
// importing the app itself, so nothing else (Redis, sockets) opens just to run migrations.
import './src/env'
import config from 'config'
import type { Knex } from 'knex'
import { postgresConnection, usesServer } from './src/postgresql'
import { DirMigrationSource } from './src/migrate'

const database = config.get<any>('database')
if (!usesServer(database)) {
  throw new Error('knexfile.ts needs DATABASE_URL or DB_HOST; for the embedded PGlite use `npm run migrate`')
}

const knexConfig: Knex.Config = {
  client: 'pg',
  connection: postgresConnection(database),
  migrations: { migrationSource: new DirMigrationSource() }
}

module.exports = knexConfig

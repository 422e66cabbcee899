// For more information about this file see https://dove.feathersjs.com/guides/cli/databases.html
// Chooses the database: a PostgreSQL server when DATABASE_URL or DB_HOST is set, else the embedded PGlite.
import fs from 'node:fs'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import pg from 'pg'
import type { Logger } from 'pino'
import type { Application, Configuration, HookContext, NextFunction } from './declarations'
import { runMigrations } from './migrate'
import { readShare, removeStaleShare, type ShareInfo } from './pglite-share'

// Timestamps travel as ISO strings everywhere (REST, sockets, Redis sync), never as Date objects. Sessions run
// in UTC (see afterCreate below), so PostgreSQL's text form is rewritten without a Date: `new Date()` on
// that (non-ISO) form took V8's slow legacy parser, ~40 µs per history page in the profile. Anything else
// (another time zone, a year outside 1000–9999) still goes through Date. Milliseconds, truncated, as Date.
const UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/
export const toIso = (value: string) => {
  const parts = UTC_TIMESTAMP.exec(value)
  if (!parts) return new Date(value).toISOString()
  return `${parts[1]}T${parts[2]}.${(parts[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`
}
const INT8 = 20
const TIMESTAMPTZ = 1184
pg.types.setTypeParser(INT8, Number)
pg.types.setTypeParser(TIMESTAMPTZ, toIso)

type DatabaseSettings = Configuration['database']

export const usesServer = (db: DatabaseSettings) => Boolean(db.url || db.host)

/** Whether a knex instance talks to a PostgreSQL server through pg (not the in-process PGlite). */
export const isPgClient = (db: Knex) => (db.client as { config: { client?: unknown } }).config.client === 'pg'

export const postgresConnection = (db: DatabaseSettings): Knex.PgConnectionConfig | string => {
  const ssl = db.sslMode === 'disable' ? false : { rejectUnauthorized: db.sslMode.startsWith('verify') }
  if (db.url) return db.url
  return { host: db.host, port: db.port, user: db.user, password: db.password, database: db.name, ssl }
}

const lockFileOf = (dir: string) => path.join(dir, '.chat-backend.lock')

/** The live process (other than this one) that holds the PGlite folder's lock, if any. */
const lockOwner = (dir: string): number | undefined => {
  let pid: number
  try {
    pid = Number(fs.readFileSync(lockFileOf(dir), 'utf8'))
  } catch (error: any) {
    if (error.code === 'ENOENT') return undefined
    throw error
  }
  if (!pid || pid === process.pid) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch (error: any) {
    if (error.code === 'ESRCH') return undefined
    throw error
  }
}

/**
 * PGlite does not lock its data folder, and two processes on one folder silently diverge.
 * A pid lockfile makes the second process fail with a clear message instead.
 */
const lockDataDir = (dir: string) => {
  fs.mkdirSync(dir, { recursive: true })
  const owner = lockOwner(dir)
  if (owner) {
    throw new Error(
      `PGlite data folder ${dir} is in use by process ${owner}, which does not share it (only a running ` +
        'server does, for admin commands). PGlite serves one process: set DATABASE_URL to a PostgreSQL ' +
        'server to run several instances.'
    )
  }
  const lockFile = lockFileOf(dir)
  fs.writeFileSync(lockFile, String(process.pid))
  removeStaleShare(dir) // left by a process that died without removing it
  return () => fs.rmSync(lockFile, { force: true })
}

/**
 * The PGlite database of a running server, through the socket it shares (pglite-share.ts): the ordinary
 * pg client, one connection (the server serves one admin session at a time), bounded waits everywhere.
 */
const sharedPgliteClient = (share: ShareInfo, logger?: Logger) =>
  knex({
    client: 'pg',
    log: logger && {
      warn: (m: unknown) => logger.warn({ knex: m }, 'knex warning'),
      error: (m: unknown) => logger.error({ knex: String(m) }, 'knex error'),
      deprecate: (m: unknown) => logger.warn({ knex: m }, 'knex deprecation'),
      debug: () => {}
    },
    connection: {
      host: share.host,
      port: share.port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 15_000,
      // Client-side: PGlite cannot cancel a statement, but the command fails instead of waiting forever.
      query_timeout: 60_000
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 60_000
  })

export const createPglite = (dir: string) => {
  // Required lazily: the WASM build is large and unused when a PostgreSQL server is configured.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ClientPgLite = require('knex-pglite')
  // pg_trgm (trigram index for search inside words) ships with PGlite as an extension to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm')
  // Options first, with `dataDir` in them: `new PGlite(undefined, options)` silently loads no extension.
  const pglite = new PGlite({
    ...(dir ? { dataDir: dir } : {}),
    parsers: { [INT8]: Number, [TIMESTAMPTZ]: toIso },
    extensions: { pg_trgm }
  })
  return knex({ client: ClientPgLite, connection: { pglite } } as Knex.Config)
}

export const createDatabase = (settings: DatabaseSettings, logger?: Logger) => {
  if (usesServer(settings)) {
    const db = knex({
      client: 'pg',
      // knex prints pool errors to the console by default; they belong in the log.
      log: logger && {
        warn: (m: unknown) => logger.warn({ knex: m }, 'knex warning'),
        error: (m: unknown) => logger.error({ knex: String(m) }, 'knex error'),
        deprecate: (m: unknown) => logger.warn({ knex: m }, 'knex deprecation'),
        debug: () => {}
      },
      connection: postgresConnection(settings),
      pool: {
        min: 0,
        max: settings.poolMax,
        afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) =>
          connection.query("SET TIME ZONE 'UTC'", (error) => done(error, connection))
      },
      // Fail fast when the server is down instead of queueing requests for a minute.
      acquireConnectionTimeout: 5000
    })
    return { db, kind: 'postgres' as const, release: () => {} }
  }
  const dir = settings.pgliteDir ? path.resolve(settings.pgliteDir) : ''
  // A running server on this folder shares it over a local socket: connect there instead of opening it.
  const owner = dir ? lockOwner(dir) : undefined
  const share = owner ? readShare(dir) : undefined
  if (share && share.pid === owner) {
    return {
      db: sharedPgliteClient(share, logger),
      kind: 'pglite' as const,
      release: () => {},
      shared: share
    }
  }
  const release = dir ? lockDataDir(dir) : () => {}
  return { db: createPglite(dir), kind: 'pglite' as const, release, dir }
}

/**
 * Registers the database on the app. The knex instance is created now (it connects lazily), migrations
 * run in a setup hook, and teardown closes it; an injected instance (tests, CLI) is left to its owner.
 */
export const postgresql =
  (options: { db?: Knex } = {}) =>
  (app: Application) => {
    const settings = app.get('database')
    const created = options.db
      ? {
          db: options.db,
          kind: (options.db.client.config.client === 'pg' ? 'postgres' : 'pglite') as 'postgres' | 'pglite',
          release: () => {}
        }
      : createDatabase(settings, app.get('logger'))
    app.set('postgresqlClient', created.db)
    app.set('databaseKind', created.kind)
    // A folder this process opened itself: the server shares it with admin commands (pglite-share.ts).
    if ('dir' in created && created.dir) app.set('embeddedDatabaseDir', created.dir)
    // A running server's shared PGlite: this process' service events go to it (realtime/admin-relay.ts).
    if ('shared' in created && created.shared) app.set('sharedPglite', created.shared)

    app.hooks({
      setup: [
        async (_context: HookContext, next: NextFunction) => {
          if (settings.migrateOnStart && app.get('env') !== 'production') await runMigrations(created.db)
          await next()
        }
      ],
      teardown: [
        async (_context: HookContext, next: NextFunction) => {
          await next()
          if (!options.db) {
            await created.db.destroy()
            created.release()
          }
        }
      ]
    })
  }

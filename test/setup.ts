// Mocha root setup: one fresh PostgreSQL database per test run (dropped afterwards), migrated once.
// Without a reachable server the suite falls back to one in-memory PGlite shared by every test app;
// with CI=true a missing PostgreSQL is a failure, never a silent fallback.
import '../src/env'
import knex, { type Knex } from 'knex'
import { Redis } from 'ioredis'
import { createPglite } from '../src/postgresql'
import { runMigrations } from '../src/migrate'

process.env.NODE_ENV = 'test'

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databaseName = `chat_test_${process.pid}_${Date.now().toString(36)}`

export const testDatabase: { url?: string; pglite?: Knex } = {}
/** Redis for the tests (REDIS_URL-style), when reachable; with CI=true it must be. */
export const testRedis: { url?: string } = {}
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const reachable = async (url: string) => {
  const probe = knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 3000
  })
  try {
    await probe.raw('select 1')
    return probe
  } catch (error) {
    await probe.destroy()
    if (process.env.CI === 'true')
      throw new Error(`CI=true but PostgreSQL is not reachable at ${adminUrl}: ${error}`, { cause: error })
    return undefined
  }
}

export const mochaGlobalSetup = async () => {
  const admin = await reachable(adminUrl)
  if (admin) {
    await admin.raw(`CREATE DATABASE ${databaseName}`)
    await admin.destroy()
    const url = new URL(adminUrl)
    url.pathname = `/${databaseName}`
    testDatabase.url = url.toString()
    const db = knex({ client: 'pg', connection: testDatabase.url })
    await runMigrations(db)
    await db.destroy()
    console.log(`  (tests on PostgreSQL database ${databaseName})`)
  } else {
    testDatabase.pglite = createPglite('')
    await runMigrations(testDatabase.pglite)
    console.log('  (PostgreSQL not reachable: tests on an in-memory PGlite)')
  }
  process.env.TEST_DATABASE_URL = testDatabase.url ?? ''
  testRedis.url = (await redisReachable(redisUrl)) ? redisUrl : undefined
  console.log(testRedis.url ? `  (Redis at ${redisUrl})` : '  (Redis not reachable: tests run without Redis)')
}

const redisReachable = async (url: string) => {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  try {
    await client.connect()
    await client.ping()
    return true
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`CI=true but Redis is not reachable at ${url}: ${error}`, { cause: error })
    return false
  } finally {
    client.disconnect()
  }
}

export const mochaGlobalTeardown = async () => {
  if (testDatabase.pglite) await testDatabase.pglite.destroy()
  if (testDatabase.url) {
    const admin = knex({ client: 'pg', connection: adminUrl })
    await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)
    await admin.destroy()
  }
}

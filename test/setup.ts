// Mocha root setup: one fresh PostgreSQL database per test run (dropped afterwards), migrated once, on the
// server of TEST_POSTGRES_URL; Redis at TEST_REDIS_URL (its database number included), every key of the run
// under `test:<run>:` and deleted afterwards. Other databases a test creates are named after the run.
// Without a reachable server the suite falls back to one in-memory PGlite shared by every test app;
// with CI=true a missing PostgreSQL is a failure, never a silent fallback.
import '../src/env'
import { randomUUID } from 'node:crypto'
import knex, { type Knex } from 'knex'
import { Redis } from 'ioredis'
import { createPglite } from '../src/postgresql'
import { runMigrations } from '../src/migrate'

process.env.NODE_ENV = 'test'

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** This run's name: its database, the prefix of its Redis keys and of any other database a test creates. */
export const testRun = `chat_test_${process.pid}_${Date.now().toString(36)}`
const databaseName = testRun

export const testDatabase: { url?: string; adminUrl: string; pglite?: Knex } = { adminUrl }
/** Redis for the tests (REDIS_URL-style, with its database number), when reachable; with CI=true it must be. */
export const testRedis: { url?: string; prefix: string } = { prefix: `test:${testRun}:` }
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A database name of this run for `purpose` (dropped by the test that creates it). */
export const scratchDatabaseName = (purpose: string) => `${testRun}_${purpose}`.toLowerCase()

/** A key prefix of its own for one server or deployment of this run (deleted with the run's keys). */
export const testKeyPrefix = () => `${testRedis.prefix}${randomUUID()}:`

/** TEST_REDIS_URL reached through another port (a relay), same database number. */
export const testRedisUrlVia = (port: number) => {
  const url = new URL(testRedis.url ?? redisUrl)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return url.toString()
}

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

/** Deletes this run's Redis keys (SCAN, not KEYS: the server may hold other data); returns how many. */
const deleteRunKeys = async (url: string) => {
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  let deleted = 0
  try {
    const match = `${testRedis.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000)
      cursor = next
      if (keys.length) deleted += await client.del(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
  return deleted
}

export const mochaGlobalTeardown = async () => {
  if (testRedis.url) {
    const deleted = await deleteRunKeys(testRedis.url)
    if (process.env.TEST_REDIS_REPORT) console.log(`  (deleted ${deleted} Redis keys of ${testRedis.prefix})`)
  }
  if (testDatabase.pglite) await testDatabase.pglite.destroy()
  if (testDatabase.url) {
    const admin = knex({ client: 'pg', connection: adminUrl })
    await admin.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)
    await admin.destroy()
  }
}

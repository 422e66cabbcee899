import assert from 'node:assert/strict'
import knex, { type Knex } from 'knex'
import { createPglite } from '../src/postgresql'
import { DirMigrationSource } from '../src/migrate'
import { testDatabase, scratchDatabaseName } from './setup'

// Migrations 20261202000001 (threads, mentions) and …0002 (reactions, pins, edits) on a database migrated before
// them that already holds messages.

describe('threads and mentions migration on a database that already holds messages', () => {
  const migrateWithOldRows = async (db: Knex) => {
    const source = new DirMigrationSource()
    await db.migrate.up({ migrationSource: source }) // the initial schema only
    await db('users').insert({ user_id: 'u1', email: 'u1@example.com', name: 'U1', password_hash: 'x' })
    await db('chats').insert({ chat_id: 'c1', type: 'group', last_seq: 2 })
    await db('messages').insert([
      { message_id: 'm1', chat_id: 'c1', sender_id: 'u1', content: 'old one', seq: 1 },
      { message_id: 'm2', chat_id: 'c1', sender_id: 'u1', content: 'old two', seq: 2 }
    ])
    await db.migrate.latest({ migrationSource: source })
    const rows = await db('messages')
      .orderBy('seq')
      .select('thread_root_id', 'thread', 'mentions', 'reactions', 'pinned_at', 'pinned_by')
    const untouched = {
      thread_root_id: null,
      thread: null,
      mentions: [],
      reactions: [],
      pinned_at: null,
      pinned_by: null
    }
    assert.deepEqual(rows, [untouched, untouched])
    // The old rows take reactions and edits like new ones (migration 20261202000002).
    await db('message_reactions').insert({ message_id: 'm1', user_id: 'u1', emoji: '👍' })
    await db('message_edits').insert({ message_id: 'm1', content: 'older one', edited_at: db.fn.now() })
    assert.equal(Number((await db('message_mentions').count({ n: '*' }))[0].n), 0)
    await db.migrate.rollback({ migrationSource: source }) // and back down
    assert.ok(!(await db.schema.hasTable('message_mentions')))
    assert.ok(!(await db.schema.hasColumn('messages', 'mentions')))
  }

  it('on PGlite', async () => {
    const db = createPglite('')
    try {
      await migrateWithOldRows(db)
    } finally {
      await db.destroy()
    }
  })

  it('on PostgreSQL', async function () {
    if (!testDatabase.url) return this.skip()
    const name = scratchDatabaseName('threads_mig')
    const admin = knex({ client: 'pg', connection: testDatabase.adminUrl })
    await admin.raw(`CREATE DATABASE ${name}`)
    const dbUrl = new URL(testDatabase.url)
    dbUrl.pathname = `/${name}`
    const db = knex({ client: 'pg', connection: dbUrl.toString() })
    try {
      await migrateWithOldRows(db)
    } finally {
      await db.destroy()
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.destroy()
    }
  })
})

import assert from 'node:assert/strict'
import knex from 'knex'
import { scratchDatabaseName, testDatabase } from './setup'
import { DirMigrationSource } from '../src/migrate'

// Migration 20261202000003 on a database that already holds messages: the generated vectors are filled for
// existing rows. Needs the PostgreSQL test server (a second database is created and dropped).
describe('search migration on a database that already holds messages', () => {
  it('fills the new vectors for existing rows', async function () {
    if (!testDatabase.url) this.skip()
    const admin = knex({ client: 'pg', connection: testDatabase.adminUrl })
    const name = scratchDatabaseName('search_mig')
    await admin.raw(`CREATE DATABASE ${name}`)
    const target = new URL(testDatabase.url!)
    target.pathname = `/${name}`
    const db = knex({ client: 'pg', connection: target.toString() })
    try {
      const source = new DirMigrationSource()
      const all = await source.getMigrations()
      const before = all.filter((m) => m < '20261202000003')
      // Migrate up to the one before this, insert rows in the old schema, then run the rest.
      for (const file of before) await (await source.getMigration(file)).up(db)
      await db('users').insert({ user_id: 'U1', email: 'u1@x.test', name: 'U', password_hash: 'x' })
      await db('chats').insert({ chat_id: 'C1', type: 'group', created_by: 'U1', last_seq: 2 })
      await db('messages').insert([
        { message_id: 'M1', chat_id: 'C1', sender_id: 'U1', content: 'foxes were running', seq: 1 },
        { message_id: 'M2', chat_id: 'C1', sender_id: 'U1', content: '我们讨论中文翻译', seq: 2 }
      ])
      for (const file of all.filter((m) => m >= '20261202000003'))
        await (await source.getMigration(file)).up(db)
      const english = await db('messages')
        .whereRaw("search_english @@ to_tsquery('english', 'run')")
        .pluck('message_id')
      assert.deepEqual(english, ['M1'])
      const cjk = await db('messages').whereRaw("search_cjk @@ '中文'::tsquery").pluck('message_id')
      assert.deepEqual(cjk, ['M2'])
      const trgm = await db('messages').whereRaw("content ILIKE '%oxe%'").pluck('message_id')
      assert.deepEqual(trgm, ['M1'])
    } finally {
      await db.destroy()
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.destroy()
    }
  })
})

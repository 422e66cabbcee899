// Timestamps leave PostgreSQL as text and leave the server as ISO strings; the fast rewrite must agree with
// Date's parse for every form PostgreSQL prints.
import assert from 'node:assert/strict'
import { toIso } from '../src/postgresql'
import knex from 'knex'
import { startServer } from './helpers'
import { testDatabase } from './setup'

describe('timestamps', () => {
  it('rewrites UTC timestamps exactly as Date would, whatever the fraction', () => {
    for (const text of [
      '2026-11-25 13:38:55+00',
      '2026-11-25 13:38:55.1+00',
      '2026-11-25 13:38:55.12+00',
      '2026-11-25 13:38:55.123+00',
      '2026-11-25 13:38:55.1239+00',
      '2026-11-25 13:38:55.999999+00',
      '1999-12-31 23:59:59.000001+00'
    ]) {
      assert.equal(toIso(text), new Date(text).toISOString(), text)
    }
  })

  it('falls back to Date for other zones', () => {
    assert.equal(toIso('2026-11-25 15:38:55.5+02'), '2026-11-25T13:38:55.500Z')
    assert.equal(toIso('2026-11-25 08:08:55.5-05:30'), '2026-11-25T13:38:55.500Z')
  })

  it('database sessions run in UTC even when the database says otherwise', async function () {
    if (!testDatabase.url) this.skip() // PGlite has no server-side default to override
    const admin = knex({ client: 'pg', connection: testDatabase.url, pool: { min: 0, max: 1 } })
    const name = (await admin.raw('SELECT current_database() AS name')).rows[0].name
    await admin.raw(`ALTER DATABASE "${name}" SET timezone TO 'Asia/Kolkata'`)
    const server = await startServer()
    try {
      const db = server.app.get('postgresqlClient')
      const row = (await db.raw(`SELECT now()::text AS text, current_setting('TimeZone') AS zone`)).rows[0]
      assert.equal(row.zone, 'UTC')
      assert.match(row.text, /\+00$/)
      const probe = knex({ client: 'pg', connection: testDatabase.url, pool: { min: 0, max: 1 } })
      const direct = (await probe.raw(`SELECT current_setting('TimeZone') AS zone`)).rows[0]
      await probe.destroy()
      assert.equal(direct.zone, 'Asia/Kolkata', 'a plain connection gets the other zone')
    } finally {
      await server.stop()
      await admin.raw(`ALTER DATABASE "${name}" RESET timezone`)
      await admin.destroy()
    }
  })
})

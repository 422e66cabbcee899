import assert from 'node:assert/strict'
import type { Knex } from 'knex'
import { IdentityLookups } from '../src/auth/identity-lookups'
import type { ChatConnection } from '../src/realtime/connections'
import {
  createGroup,
  createUser,
  http,
  liveSocket,
  openPrivateChat,
  startServer,
  type SocketClient,
  type TestServer
} from './helpers'

/** Counts the SELECTs each table gets through `db` while `fn` runs. */
const countingSelects = async (db: Knex, fn: () => Promise<unknown>) => {
  const selects: Record<string, number> = {}
  const listener = (query: { sql: string }) => {
    const table = /^select .* from "(\w+)"/i.exec(query.sql)?.[1]
    if (table) selects[table] = (selects[table] ?? 0) + 1
  }
  db.on('query', listener)
  try {
    return { result: await fn(), selects }
  } finally {
    db.off('query', listener)
  }
}

describe('identity lookups: what a new socket reads from PostgreSQL, batched per tick', () => {
  let server: TestServer
  let db: Knex
  let lookups: IdentityLookups
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer()
    db = server.app.get('postgresqlClient')
    lookups = new IdentityLookups(() => db)
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server?.stop()
  })

  it('reads the users asked for in one tick with one query, each its own row without the password hash', async () => {
    const users = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createUser(server.url, `Lookup ${i}`))
    )
    const { result, selects } = await countingSelects(db, () =>
      Promise.all([...users.map((u) => lookups.user(u.user_id)), lookups.user('01NOSUCHUSER0000000000000A')])
    )
    const rows = result as Array<Record<string, any> | undefined>
    assert.equal(selects.users, 1)
    assert.deepEqual(
      rows.slice(0, 12).map((row) => row?.user_id),
      users.map((u) => u.user_id)
    )
    assert.ok(
      rows.slice(0, 12).every((row) => row && !('password_hash' in row) && row.name.startsWith('Lookup'))
    )
    assert.equal(rows[12], undefined, 'an unknown id is no user')
  })

  it("answers a session's owner only while it is live: a logged-out session has none", async () => {
    const [ann, bob] = await Promise.all([
      createUser(server.url, 'Sid Ann'),
      createUser(server.url, 'Sid Bob')
    ])
    const sid = (user: typeof ann) =>
      JSON.parse(Buffer.from(user.access_token.split('.')[1], 'base64url').toString()).sid as string
    const out = await http(server.url, 'POST', '/api/auth/logout', {
      token: bob.access_token,
      body: {}
    })
    assert.ok(out.status < 300, `logout → ${out.status} ${out.text}`)
    const { result, selects } = await countingSelects(db, () =>
      Promise.all([
        lookups.sessionOwner(sid(ann)),
        lookups.sessionOwner(sid(bob)),
        lookups.sessionOwner(sid(ann))
      ])
    )
    assert.deepEqual(result, [ann.user_id, undefined, ann.user_id])
    assert.equal(selects.refresh_tokens, 1)
  })

  it('lists each user’s chats in one query for all of them; a user in no chat has none', async () => {
    const [ann, bob, cat, dan] = await Promise.all(
      ['Chats Ann', 'Chats Bob', 'Chats Cat', 'Chats Dan'].map((n) => createUser(server.url, n))
    )
    const group = await createGroup(server.url, ann, 'lookups', [bob])
    const pair = await openPrivateChat(server.url, ann, cat)
    const { result, selects } = await countingSelects(db, () =>
      Promise.all([ann, bob, cat, dan].map((u) => lookups.chatIdsOf(u.user_id)))
    )
    const [annChats, bobChats, catChats, danChats] = result as string[][]
    assert.deepEqual([...annChats].sort(), [group.chat_id, pair.chat_id].sort())
    assert.deepEqual(bobChats, [group.chat_id])
    assert.deepEqual(catChats, [pair.chat_id])
    assert.deepEqual(danChats, [])
    assert.equal(selects.chat_participants, 1)
  })

  it('sockets authenticating together each join their own chats, and a logged-out token is refused', async () => {
    const [ann, bob, cat, eve] = await Promise.all(
      ['Storm Ann', 'Storm Bob', 'Storm Cat', 'Storm Eve'].map((n) => createUser(server.url, n))
    )
    const group = await createGroup(server.url, ann, 'storm', [bob, cat])
    await http(server.url, 'POST', '/api/auth/logout', {
      token: cat.access_token,
      body: {}
    })
    await Promise.all([ann, bob, eve].map((u) => liveSocket(server.url, u, sockets)))
    await assert.rejects(liveSocket(server.url, cat, sockets), /Session has ended/)
    // The chats each user's connection joined here, from the instance's own book.
    const chatsOf = (user: typeof ann) =>
      server.app
        .get('connectionBook')
        .chatsOfUser(server.app.channel(`users/${user.user_id}`).connections as ChatConnection[])
    assert.equal(sockets.length, 4)
    assert.deepEqual(chatsOf(ann), [group.chat_id])
    assert.deepEqual(chatsOf(bob), [group.chat_id])
    assert.deepEqual(chatsOf(eve), [], 'an outsider joins no chat')
    assert.equal(chatsOf(cat), undefined, 'the refused socket joined nothing')
  })

  it('a removal that lands while a new socket reads its chats leaves it out of that chat (channel and cache)', async () => {
    const [ann, bob] = await Promise.all(['Race Ann', 'Race Bob'].map((n) => createUser(server.url, n)))
    const kept = await createGroup(server.url, ann, 'race kept', [bob])
    const left = await createGroup(server.url, ann, 'race left', [bob])
    const real = server.app.get('identityLookups')
    const original = real.membershipsOf.bind(real)
    let raced = 0
    // Bob's first read sees both groups; then, before the join uses it, Ann removes him from one.
    real.membershipsOf = async (userId: string) => {
      const rows = await original(userId)
      if (userId === bob.user_id && raced++ === 0) {
        const out = await http(server.url, 'DELETE', `/api/groups/${left.group_id}/members/${bob.user_id}`, {
          token: ann.access_token
        })
        assert.equal(out.status, 200, out.text)
      }
      return rows
    }
    try {
      await liveSocket(server.url, bob, sockets)
    } finally {
      real.membershipsOf = original
    }
    assert.equal(raced, 2, 'read again after the removal')
    const bobChats = server.app
      .get('connectionBook')
      .chatsOfUser(server.app.channel(`users/${bob.user_id}`).connections as ChatConnection[])
    assert.deepEqual(bobChats, [kept.chat_id])
    assert.equal(server.app.get('memberships').has(left.chat_id, bob.user_id), false)
    assert.equal(server.app.get('memberships').has(kept.chat_id, bob.user_id), true)
  })
})

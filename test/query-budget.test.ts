// Database statements per request on the hot paths. Not a timing test: how many statements a send or a
// history page costs is a property of the code, and every extra one is paid on every message (issue 6).
import assert from 'node:assert/strict'
import { MessageWriter } from '../src/services/messages/message-writer'
import { newId } from '../src/ids'
import knex from 'knex'
import {
  createGroup,
  createUser,
  eventually,
  http,
  sleep,
  startRelay,
  socketClient,
  startServer,
  type TestServer
} from './helpers'
import { testDatabase, testRedis } from './setup'

/** A message as the service hands it to the writer. */
const newMessage = (
  chat_id: string,
  sender_id: string,
  content: string,
  client_id: string | null = null
) => ({
  message_id: newId(),
  chat_id,
  sender_id,
  sender_name: null,
  sender_avatar: null,
  content,
  type: 'text',
  reply_to: null,
  file_id: null,
  client_id
})

describe('query budget and batched message writes', () => {
  let server: TestServer
  let chatId: string
  let alice: Awaited<ReturnType<typeof createUser>>
  let bob: Awaited<ReturnType<typeof createUser>>

  before(async () => {
    server = await startServer()
    alice = await createUser(server.url, 'Alice')
    bob = await createUser(server.url, 'Bob')
    chatId = (await createGroup(server.url, alice, 'budget', [bob])).chat_id
  })
  after(() => server.stop())

  const statementsDuring = async (work: () => Promise<unknown>) => {
    const db = server.app.get('postgresqlClient')
    const statements: string[] = []
    const listener = (query: { sql: string }) => statements.push(query.sql)
    db.on('query', listener)
    try {
      await work()
    } finally {
      db.off('query', listener)
    }
    return statements
  }

  /**
   * The two budgets below are what a send and a newest page cost with the Redis caches (user and session
   * behind the token, the `message_queue` page). Without Redis they cost more, so they do not run there.
   */
  const requireRedis = (test: Mocha.Context) => {
    if (!testRedis.url) {
      console.log('      (skipped: this budget is the one with the Redis caches, and Redis is not reachable)')
      test.skip()
    }
    assert.equal(server.app.get('cache').enabled, true, 'the server runs with its Redis caches')
  }

  it('with Redis, a send over a socket costs one insert and one membership read for the caches (membership is known)', async function () {
    requireRedis(this)
    const { client, close } = socketClient(server.url)
    try {
      await client.authenticate({ strategy: 'jwt', accessToken: alice.access_token })
      const messages = client.service('api/chats/:chat_id/messages')
      await messages.create({ content: 'warm-up' }, { route: { chat_id: chatId } }) // user and session cached
      const writer = server.app.service('api/messages').writer
      const batchesBefore = writer.batches
      const statements = await statementsDuring(() =>
        messages.create({ content: 'hello' }, { route: { chat_id: chatId } })
      )
      // The insert is a prepared statement outside knex's query events on PostgreSQL, inside them on PGlite.
      const knexStatements = statements.filter((sql) => !/jsonb_to_recordset/.test(sql))
      assert.equal(writer.batches - batchesBefore, 1)
      assert.equal(knexStatements.length, 1, statements.join('\n---\n'))
      assert.match(knexStatements[0], /select distinct "user_id" from "chat_participants"/)
    } finally {
      close()
    }
  })

  it('with Redis, a newest history page costs the last_seq read only (page from the queue, membership known)', async function () {
    requireRedis(this)
    const page = () => http(server.url, 'GET', `/api/chats/${chatId}/messages`, { token: alice.access_token })
    await page()
    // The socket of the test before closed: its presence change (offline, published to alice's chats with a
    // query) may still be under way. Wait until the database is quiet for 200 ms before counting.
    await eventually(async () => {
      assert.deepEqual(await statementsDuring(() => sleep(200)), [])
    })
    const statements = await statementsDuring(page)
    assert.equal(statements.length, 1, statements.join('\n---\n'))
    assert.match(statements[0], /select "?last_seq"? from "?chats"? where "?chat_id"? = /i)
  })

  it("a socket's authentication proves its memberships: its first page in each chat asks nothing of chat_participants", async () => {
    const carol = await createUser(server.url, 'Carol')
    const chats = [
      (await createGroup(server.url, alice, 'budget-carol-1', [carol])).chat_id,
      (await createGroup(server.url, bob, 'budget-carol-2', [carol])).chat_id
    ]
    const memberships = server.app.get('memberships')
    memberships.clear() // as on an instance carol never used: nothing known about her
    const { client, close } = socketClient(server.url)
    try {
      await client.authenticate({ strategy: 'jwt', accessToken: carol.access_token })
      for (const chat of chats) assert.equal(memberships.mutedUntil(chat, carol.user_id), 0, chat)
      assert.equal(memberships.has(chatId, carol.user_id), false, 'not a member of the first group')
      const statements = await statementsDuring(async () => {
        for (const chat of chats)
          await client.service('api/chats/:chat_id/messages').find({ route: { chat_id: chat } })
      })
      assert.deepEqual(
        statements.filter((sql) => /chat_participants/.test(sql)),
        [],
        statements.join('\n---\n')
      )
      // Not a member: still refused, from the database (nothing was remembered for that chat).
      await assert.rejects(
        client.service('api/chats/:chat_id/messages').find({ route: { chat_id: chatId } }),
        (error: any) => error.code === 404
      )
    } finally {
      close()
    }
  })

  it('messages that arrive while a batch is being written go out together in the next one, in arrival order', async () => {
    const db = server.app.get('postgresqlClient')
    const committed: string[][] = []
    const writer = new MessageWriter(
      () => db,
      async (messages) => void committed.push(messages.map((m) => m.message_id))
    )
    const rows = Array.from({ length: 30 }, (_, i) =>
      newMessage(chatId, i % 2 ? alice.user_id : bob.user_id, `batched ${i}`)
    )
    let written: Awaited<ReturnType<MessageWriter['write']>>[] = []
    written = await Promise.all(rows.map((row) => writer.write(row)))
    // The first write finds the writer idle and goes alone; the 29 queued behind it share one statement.
    assert.equal(writer.batches, 2)
    assert.deepEqual(
      committed.map((ids) => ids.length),
      [1, 29]
    )
    const seqs = written.map((w) => w.message.seq)
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0] + i),
      'consecutive seqs in arrival order'
    )
    // Each sender's read pointer sits on their own newest message of the batch.
    const pointers = await db('chat_participants')
      .where({ chat_id: chatId })
      .select('user_id', 'last_read_seq')
    const last = (userId: string) =>
      Math.max(...written.filter((w) => w.message.sender_id === userId).map((w) => w.message.seq))
    for (const p of pointers) assert.equal(p.last_read_seq, last(p.user_id))
  })

  it('a batch stops at its size limits; the rest follow in the next batches, in order', async () => {
    const db = server.app.get('postgresqlClient')
    const sizes: number[] = []
    const writer = new MessageWriter(
      () => db,
      async (messages) => void sizes.push(messages.length),
      { messages: 4, contentChars: 25, answerMs: 10_000 }
    )
    const row = (content: string) => newMessage(chatId, alice.user_id, content)
    const contents = ['first', ...Array.from({ length: 6 }, (_, i) => `short ${i}`), 'x'.repeat(40), 'last']
    const written = await Promise.all(contents.map((c) => writer.write(row(c))))
    // [first] alone; then at most 4 messages or 25 characters, but never fewer than one (the 40-char one).
    assert.deepEqual(sizes, [1, 3, 3, 1, 1])
    const seqs = written.map((w) => w.message.seq)
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0] + i)
    )
  })

  it('a database that stops answering fails the batch with 503 after the time limit; later sends are not held', async function () {
    if (!testDatabase.url) this.skip() // needs a PostgreSQL server to put a relay in front of
    const target = new URL(testDatabase.url)
    const relay = await startRelay(() => Number(target.port || 5432))
    const viaRelay = new URL(testDatabase.url)
    viaRelay.host = `127.0.0.1:${relay.port}`
    const db = knex({ client: 'pg', connection: viaRelay.toString(), pool: { min: 0, max: 2 } })
    try {
      const writer = new MessageWriter(
        () => db,
        async () => undefined,
        {
          messages: 500,
          contentChars: 1_000_000,
          answerMs: 500
        }
      )
      await writer.write(newMessage(chatId, alice.user_id, 'connects the pool'))
      relay.stall()
      const stalled = await Promise.allSettled([
        writer.write(newMessage(chatId, alice.user_id, 'hung 1')),
        writer.write(newMessage(chatId, alice.user_id, 'hung 2'))
      ])
      assert.deepEqual(
        stalled.map((r) => (r.status === 'rejected' ? r.reason.code : r.status)),
        [503, 503]
      )
      // The hung statement still holds its connection; the next batch is not queued behind it.
      const next = await writer.write(newMessage(chatId, alice.user_id, 'on another connection'))
      assert.equal(next.message.content, 'on another connection')
    } finally {
      relay.unstall()
      await relay.close()
      await db.destroy().catch(() => undefined)
    }
  })

  it('a repeated client_id inside one batch stores one message and answers the retry with it', async () => {
    const db = server.app.get('postgresqlClient')
    const writer = new MessageWriter(
      () => db,
      async () => undefined
    )
    const row = (content: string, clientId: string | null) =>
      newMessage(chatId, alice.user_id, content, clientId)
    const clientId = `retry-${newId()}`
    const [, first, retry, other] = await Promise.all([
      writer.write(row('occupies the writer', null)),
      writer.write(row('original', clientId)),
      writer.write(row('retry', clientId)),
      writer.write(row('unrelated', null))
    ])
    assert.equal(first.duplicate, false)
    assert.equal(retry.duplicate, true)
    assert.equal(retry.message.message_id, first.message.message_id)
    assert.equal(other.duplicate, false)
    assert.equal(other.message.seq, first.message.seq + 1, 'no seq used up by the refused retry')
    const stored = await db('messages').where({ chat_id: chatId, client_id: clientId })
    assert.equal(stored.length, 1)
    assert.equal(writer.alone, 0, 'answered by the batch statement, not one by one')
  })

  it('retries of stored messages and of each other go in the batch statement: no seq, no row, the original', async () => {
    // A client that repeats a client_id (a retry after a lost ack, or on purpose) must not make the other
    // senders' batch fall back to one statement per message.
    const db = server.app.get('postgresqlClient')
    const writer = new MessageWriter(
      () => db,
      async () => undefined
    )
    const key = () => `retry-${newId()}`
    const row = (content: string, clientId: string | null, sender = alice.user_id) =>
      newMessage(chatId, sender, content, clientId)
    const storedKeys = [key(), key(), key()]
    const stored: Awaited<ReturnType<MessageWriter['write']>>[] = []
    for (const k of storedKeys) stored.push(await writer.write(row(`stored ${k}`, k)))
    const twice = key()
    // `original`: the stored message (s0..s2) or the earlier row of this batch (a number) a row is a retry of.
    const plan: Array<{ row: ReturnType<typeof row>; original?: string | number }> = [
      { row: row('occupies the writer', null) },
      { row: row('fresh', key()) },
      { row: row('retry of stored 0', storedKeys[0]), original: 's0' },
      { row: row('fresh without client_id', null) },
      { row: row('first of two', twice) },
      { row: row('retry of stored 1', storedKeys[1]), original: 's1' },
      { row: row('second of two', twice), original: 4 },
      { row: row('same client_id, other sender', storedKeys[2], bob.user_id) },
      { row: row('retry of stored 2', storedKeys[2]), original: 's2' },
      { row: row('retry of stored 0 again', storedKeys[0]), original: 's0' },
      { row: row('third of two', twice), original: 4 },
      ...Array.from({ length: 20 }, (_, i) => ({ row: row(`filler ${i}`, i % 2 ? key() : null) }))
    ]
    await new Promise((resolve) => setImmediate(resolve)) // the writer idle again, so the next write goes alone
    const batchesBefore = writer.batches
    const aloneBefore = writer.alone
    const written = await Promise.all(plan.map((p) => writer.write(p.row)))
    // The first write finds the writer idle and goes alone; the other 30 share one statement.
    assert.equal(writer.batches - batchesBefore, 2)
    assert.equal(writer.alone - aloneBefore, 0, 'no message stored one by one')

    const fresh = written.filter((_, i) => plan[i].original === undefined)
    const seqs = fresh.map((w) => w.message.seq)
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0] + i),
      'fresh messages take consecutive seqs in arrival order, none used up by a retry'
    )
    plan.forEach((p, i) => {
      const w = written[i]
      if (p.original === undefined) {
        assert.equal(w.duplicate, false, p.row.content)
        assert.equal(w.message.message_id, p.row.message_id)
        assert.equal(w.message.content, p.row.content)
        return
      }
      const original =
        typeof p.original === 'number' ? written[p.original] : stored[Number(p.original.slice(1))]
      assert.equal(w.duplicate, true, p.row.content)
      assert.deepEqual(w.message, original.message, `${p.row.content}: answered with the original`)
    })
    const chat = await db('chats').where({ chat_id: chatId }).first('last_seq')
    assert.equal(chat.last_seq, seqs[seqs.length - 1], 'last_seq counts only the rows inserted')
    const ids = plan.map((p) => p.row.message_id)
    const rowsStored = await db('messages').whereIn('message_id', ids).select('message_id')
    assert.equal(rowsStored.length, fresh.length, 'no row for a retry')
    const pointer = await db('chat_participants').where({ chat_id: chatId, user_id: alice.user_id }).first()
    assert.equal(
      pointer.last_read_seq,
      Math.max(...fresh.filter((w) => w.message.sender_id === alice.user_id).map((w) => w.message.seq))
    )
  })

  it('a duplicate another instance commits while the batch waits for the chat still gets the original', async function () {
    // The batch's lookup reads the snapshot its statement started with; a row committed after that (by the
    // instance that held the chat's lock) is not in it, so the insert hits the unique constraint and the
    // one-by-one fallback answers with the original. Needs two connections waiting on one row lock.
    if (!testDatabase.url) this.skip()
    const db = server.app.get('postgresqlClient')
    const instances = [0, 1].map(
      () =>
        new MessageWriter(
          () => db,
          async () => undefined
        )
    )
    const clientId = `race-${newId()}`
    const trx = await db.transaction()
    let sends: Promise<Awaited<ReturnType<MessageWriter['write']>>[]>
    try {
      await trx('chats').where({ chat_id: chatId }).forUpdate().first()
      sends = Promise.all(
        instances.map((writer, i) =>
          writer.write(newMessage(chatId, alice.user_id, `instance ${i}`, clientId))
        )
      )
      await eventually(async () => {
        // Not through trx: pg_stat_activity is read once per transaction.
        const waiting = await db.raw(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%jsonb_to_recordset%'`
        )
        assert.equal(waiting.rows[0].n, 2)
      }, 10_000)
    } finally {
      await trx.commit()
    }
    const [a, b] = await sends
    assert.equal(a.message.message_id, b.message.message_id, 'both answered with the one stored message')
    assert.deepEqual([a.duplicate, b.duplicate].sort(), [false, true])
    assert.equal(instances[0].alone + instances[1].alone, 1, 'only the losing batch (of one) fell back')
    const stored = await db('messages').where({ chat_id: chatId, client_id: clientId })
    assert.equal(stored.length, 1)
  })

  it('a batch naming a chat that does not exist fails only that message', async () => {
    const db = server.app.get('postgresqlClient')
    const writer = new MessageWriter(
      () => db,
      async () => undefined
    )
    const row = (chat: string) => newMessage(chat, alice.user_id, 'x')
    const results = await Promise.allSettled([
      writer.write(row(chatId)),
      writer.write(row(chatId)),
      writer.write(row('no-such-chat')),
      writer.write(row(chatId))
    ])
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']
    )
    assert.equal((results[2] as PromiseRejectedResult).reason.code, 404)
  })
})

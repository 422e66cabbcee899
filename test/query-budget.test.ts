// Database statements per request on the hot paths. Not a timing test: how many statements a send or a
// history page costs is a property of the code, and every extra one is paid on every message (issue 6).
import assert from 'node:assert/strict'
import { MessageWriter } from '../src/services/messages/message-writer'
import { newId } from '../src/ids'
import knex from 'knex'
import {
  createGroup,
  createUser,
  http,
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
    const statements = await statementsDuring(page)
    assert.equal(statements.length, 1, statements.join('\n---\n'))
    assert.match(statements[0], /select "last_seq" from "chats"/)
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

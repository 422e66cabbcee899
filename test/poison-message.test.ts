// Group commit (src/services/messages/message-writer.ts) stores every queued send in one statement. Text that
// PostgreSQL refuses (NUL, a lone UTF-16 surrogate) must fail only the message that carries it: the schema
// refuses it with a 400 naming the field, and a batch statement that fails anyway (for any reason one row can
// cause) falls back to storing each message alone, so every other sender still gets their own message.
import assert from 'node:assert/strict'
import { ulid } from 'ulid'
import {
  createGroup,
  createUser,
  eventually,
  http,
  postMessage,
  socketClient,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'
import { testDatabase } from './setup'
import { MessageWriter, type NewMessage } from '../src/services/messages/message-writer'

/** What clients send: JSON.stringify escapes a lone surrogate as `\ud800`, which the server parses back to one. */
const POISON = ['bad \ud800 surrogate', 'bad \u0000 nul', 'low \udc00 alone']

describe('one bad message cannot fail the other senders of its batch', () => {
  let server: TestServer
  let url: string
  let alice: TestUser
  let mallory: TestUser

  before(async function () {
    // The row lock that lines sends up in one batch needs a PostgreSQL server (PGlite has one connection).
    if (!testDatabase.url) this.skip()
    server = await startServer()
    url = server.url
    alice = await createUser(url, 'Batch Alice')
    mallory = await createUser(url, 'Batch Mallory')
  })
  after(() => server?.stop())

  /**
   * Makes the 30 valid sends and the poison share one batch statement, whatever the timing: the chat's row
   * is locked, so the first send to reach the writer waits inside PostgreSQL while every later one queues
   * behind it; the lock is released once all `total` sends have been queued (or, refused by the schema,
   * answered). `answered` counts the sends already answered.
   */
  const inOneBatch = async <T>(
    chatId: string,
    total: number,
    answered: () => number,
    sends: () => Promise<T>
  ) => {
    const writer = (server.app.service('api/messages') as any).writer
    const trx = await server.app.get('postgresqlClient').transaction()
    await trx('chats').where({ chat_id: chatId }).forUpdate().first()
    const done = sends()
    try {
      await eventually(() => assert.equal(1 + writer.queue.length + answered(), total), 15_000)
    } finally {
      await trx.commit()
    }
    return done
  }

  const newGroup = async (name: string) => (await createGroup(url, alice, name, [mallory])).chat_id

  /** Every message of a chat, oldest first, through history (after_seq paging). */
  const allMessages = async (chatId: string) => {
    const all: any[] = []
    for (let afterSeq = 0; ;) {
      const page = await http(url, 'GET', `/api/chats/${chatId}/messages?after_seq=${afterSeq}&limit=100`, {
        token: alice.access_token
      })
      assert.equal(page.status, 200, page.text)
      all.push(...page.body.data)
      if (!page.body.has_more) return all
      afterSeq = page.body.data[page.body.data.length - 1].seq
    }
  }

  /** The 30 valid messages are all stored, once, with seqs 1..30 and no gap. */
  const assertAllStored = async (chatId: string, contents: string[]) => {
    const stored = await allMessages(chatId)
    assert.deepEqual(stored.map((m) => m.content).sort(), [...contents].sort())
    assert.deepEqual(
      stored.map((m) => m.seq),
      contents.map((_, i) => i + 1)
    )
    const chat = await http(url, 'GET', `/api/chats/${chatId}`, { token: alice.access_token })
    assert.equal(chat.body.last_seq, contents.length, 'the chat sequence has no gap')
  }

  it('REST: NUL and lone surrogates get 400 naming content; all 30 concurrent valid sends are stored', async () => {
    const chatId = await newGroup('poison over REST')
    const valid = Array.from({ length: 30 }, (_, i) => `valid ${i}`)
    const send = (user: TestUser, content: string) => postMessage(url, user, chatId, { content })
    let answered = 0
    const [good, bad] = await inOneBatch(
      chatId,
      33,
      () => answered,
      () =>
        Promise.all([
          Promise.all(valid.map((content) => send(alice, content))),
          Promise.all(POISON.map((content) => send(mallory, content).finally(() => answered++)))
        ])
    )
    assert.deepEqual(
      good.map((r) => r.status),
      valid.map(() => 201),
      `stored ${good.filter((r) => r.status === 201).length}/30: ${good.find((r) => r.status !== 201)?.text}`
    )
    good.forEach((r, i) => assert.equal(r.body.content, valid[i], 'each sender gets its own message'))
    for (const res of bad) {
      assert.equal(res.status, 400, res.text)
      assert.match(res.body.message, /^Invalid data: content /)
      assert.equal(res.body.data?.[0]?.instancePath, '/content')
    }
    await assertAllStored(chatId, valid)
  })

  it('Socket.IO: the same poison sent over a socket fails alone, naming content', async () => {
    const chatId = await newGroup('poison over a socket')
    const sockets = [socketClient(url), socketClient(url)]
    try {
      const [a, m] = sockets
      await a.client.authenticate({ strategy: 'jwt', accessToken: alice.access_token })
      await m.client.authenticate({ strategy: 'jwt', accessToken: mallory.access_token })
      const send = (s: typeof a, content: string) =>
        s.client
          .service('api/chats/:chat_id/messages')
          .create({ content }, { route: { chat_id: chatId } })
          .then(
            (message: any) => ({ ok: true as const, message }),
            (error: any) => ({ ok: false as const, error })
          )
      const valid = Array.from({ length: 30 }, (_, i) => `socket valid ${i}`)
      let answered = 0
      const [good, bad] = await inOneBatch(
        chatId,
        33,
        () => answered,
        () =>
          Promise.all([
            Promise.all(valid.map((content) => send(a, content))),
            Promise.all(POISON.map((content) => send(m, content).finally(() => answered++)))
          ])
      )
      const failed = good.filter((r) => !r.ok)
      assert.equal(failed.length, 0, `stored ${30 - failed.length}/30: ${(failed[0] as any)?.error?.message}`)
      good.forEach((r, i) => assert.equal(r.ok && r.message.content, valid[i]))
      for (const res of bad) {
        assert.equal(res.ok, false)
        assert.equal(!res.ok && res.error.code, 400)
        assert.match(!res.ok ? res.error.message : '', /^Invalid data: content /)
      }
      await assertAllStored(chatId, valid)
    } finally {
      sockets.forEach((s) => s.close())
    }
  })

  it('writer: a batch that fails with a non-constraint error (a NUL row) still stores every other row', async () => {
    const chatId = await newGroup('poison past the schema')
    const writer = (server.app.service('api/messages') as any).writer
    const row = (content: string): NewMessage => ({
      message_id: ulid(),
      chat_id: chatId,
      sender_id: alice.user_id,
      sender_name: alice.name,
      sender_avatar: null,
      content,
      type: 'text',
      reply_to: null,
      file_id: null,
      client_id: null
    })
    // One tick: the first row goes out alone, every other one queues behind it into one batch statement,
    // which PostgreSQL refuses as a whole (22P05: \u0000 in jsonb), not with a constraint violation.
    const contents = Array.from({ length: 20 }, (_, i) => `direct ${i}`)
    const rows = contents.map(row)
    const poison = { ...row('nul \u0000 inside'), sender_id: mallory.user_id }
    rows.splice(10, 0, poison)
    const batchesBefore = writer.batches
    const outcomes = await Promise.allSettled(rows.map((r) => writer.write(r)))
    assert.equal(writer.batches - batchesBefore, 2, 'the poison row shared a batch statement with 19 others')

    const poisonOutcome = outcomes[10]
    assert.equal(poisonOutcome.status, 'rejected', 'the NUL row is not stored')
    const others = outcomes.filter((_, i) => i !== 10)
    others.forEach((outcome, i) => {
      assert.equal(outcome.status, 'fulfilled', String((outcome as PromiseRejectedResult).reason))
      const { message } = (outcome as PromiseFulfilledResult<any>).value
      assert.equal(message.content, contents[i], 'each sender is answered with its own message')
    })
    await assertAllStored(chatId, contents)
  })

  describe('an unavailable database fails the batch as a whole (its outcome is unknown: no retry one by one)', () => {
    /** A database whose every statement fails with `error` (or never answers), counting the statements. */
    // A statement past its deadline is a real PostgreSQL matter (query-budget.test.ts stalls a relay); here
    // the writer gets what pg's query_timeout raises.
    const failingDb = (error: () => Error) => {
      const db: any = {
        statements: 0,
        client: { config: { client: 'fake' } },
        raw: () => {
          db.statements++
          return Promise.reject(error())
        }
      }
      return db
    }
    const rows = (n: number): NewMessage[] =>
      Array.from({ length: n }, (_, i) => ({
        message_id: ulid(),
        chat_id: 'chat',
        sender_id: `sender ${i}`,
        sender_name: null,
        sender_avatar: null,
        content: `m ${i}`,
        type: 'text',
        reply_to: null,
        file_id: null,
        client_id: null
      }))

    const cases: Array<[string, Parameters<typeof failingDb>[0]]> = [
      [
        'a refused connection',
        () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
      ],
      [
        'a server shutting down (57P01)',
        () => Object.assign(new Error('terminating'), { code: '57P01', routine: 'x' })
      ],
      ['no answer in time', () => new Error('Query read timeout')]
    ]
    for (const [what, error] of cases) {
      it(`${what}: one statement per batch, every sender of the batch gets the error`, async () => {
        const db = failingDb(error)
        const writer = new MessageWriter(
          () => db,
          async () => undefined
        )
        const outcomes = await Promise.allSettled(rows(10).map((r) => writer.write(r)))
        assert.ok(outcomes.every((o) => o.status === 'rejected'))
        assert.equal(db.statements, 2, 'the lone first message and one batch of 9, nothing retried alone')
      })
    }

    it('a data error (22P05) is retried message by message', async () => {
      const db = failingDb(() =>
        Object.assign(new Error('unsupported Unicode escape'), { code: '22P05', routine: 'x' })
      )
      const writer = new MessageWriter(
        () => db,
        async () => undefined
      )
      await Promise.allSettled(rows(10).map((r) => writer.write(r)))
      assert.equal(
        db.statements,
        2 + 10,
        'two batch statements, then every message alone (the lone first one too)'
      )
    })
  })
})

// Group commit (src/services/messages/message-writer.ts) stores every queued send in one statement. Text that
// PostgreSQL refuses (NUL, a lone UTF-16 surrogate) must fail only the message that carries it: the schema
// refuses it with a 400 naming the field, and a batch statement that fails anyway (for any reason one row can
// cause) falls back to storing each message alone, so every other sender still gets their own message.
import assert from 'node:assert/strict'
import { ulid } from 'ulid'
import { createGroup, createUser, http, startServer, type TestServer, type TestUser } from './helpers'
import { testDatabase } from './setup'
import type { NewMessage } from '../src/services/messages/message-writer'

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
})

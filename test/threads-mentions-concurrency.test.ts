import assert from 'node:assert/strict'
import { newId } from '../src/ids'
import {
  createGroup,
  createUser,
  eventually,
  sendMessage,
  recordEvents,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser,
  callAs,
  liveSocket
} from './helpers'

// Threads and mentions under concurrency: 50 parallel replies or mentioning sends give exact summaries and
// counts, one root `patched` per batch statement, and the one-by-one fallback path stays exact too.
describe('threads and mentions under concurrency', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  const sockets: SocketClient[] = []

  const listed = async (user: TestUser, chat: string) =>
    (await callAs(url, user, 'GET', '/api/chats')).body.data.find((c: any) => c.chat_id === chat)

  before(async () => {
    server = await startServer()
    url = server.url
    ;[ann, bob] = await Promise.all([createUser(url, 'Busy Ann'), createUser(url, 'Busy Bob')])
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  it('the one-by-one path (a batch with a poison row) keeps the summary and the mention rows exact', async () => {
    const chat = (await createGroup(url, ann, 'Poisoned thread', [bob])).chat_id
    const root = await sendMessage(url, ann, chat, { content: 'poison root' })
    const writer = server.app.service('api/messages').writer
    const aloneBefore = writer.alone
    const row = (content: string) => ({
      message_id: newId(),
      chat_id: chat,
      sender_id: bob.user_id,
      sender_name: bob.name,
      sender_avatar: null,
      content,
      type: 'text',
      reply_to: null,
      file_id: null,
      client_id: null,
      thread_root_id: root.message_id,
      mentions: [ann.user_id]
    })
    // NUL cannot be stored: the batch statement fails as a whole and each row is stored alone.
    const rows = [...Array.from({ length: 6 }, (_, i) => row(`ok ${i}`)), row('nul \u0000')]
    const outcomes = await Promise.allSettled(rows.map((r) => writer.write(r)))
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 6)
    assert.ok(writer.alone > aloneBefore, 'the rows went one by one')
    const thread = (await callAs(url, ann, 'GET', `/api/messages/${root.message_id}`)).body.thread
    assert.equal(thread.reply_count, 6)
    assert.deepEqual(thread.participant_ids, [bob.user_id])
    const mentions = await callAs(url, ann, 'GET', '/api/mentions?limit=100')
    assert.equal(mentions.body.data.filter((m: any) => m.chat_id === chat).length, 6)
  })

  it('50 concurrent replies: reply_count 50, the 10 most recent repliers, one patched per batch', async () => {
    const repliers = await Promise.all(Array.from({ length: 12 }, (_, i) => createUser(url, `Replier ${i}`)))
    const chat = (await createGroup(url, ann, 'Busy thread', repliers)).chat_id
    const root = await sendMessage(url, ann, chat, { content: 'busy root' })
    const annLive = await liveSocket(url, ann, sockets)
    const events = recordEvents(annLive.client, 'api/messages', ['patched'])
    const writer = server.app.service('api/messages').writer
    const batchesBefore = writer.batches + writer.alone

    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sendMessage(url, repliers[i % repliers.length], chat, {
          content: `reply ${i}`,
          thread_root_id: root.message_id
        })
      )
    )
    const seqs = sent.map((m) => m.seq).sort((a, b) => a - b)
    assert.deepEqual(
      seqs,
      Array.from({ length: 50 }, (_, i) => root.seq + 1 + i)
    )
    const thread = (await callAs(url, ann, 'GET', `/api/messages/${root.message_id}`)).body.thread
    assert.equal(thread.reply_count, 50)
    const expected: string[] = []
    for (const m of [...sent].sort((a, b) => b.seq - a.seq))
      if (!expected.includes(m.sender_id)) expected.push(m.sender_id)
    assert.deepEqual(thread.participant_ids, expected.slice(0, 10))

    const statements = writer.batches + writer.alone - batchesBefore
    await eventually(() => {
      const mine = events.filter((e) => e.data.message_id === root.message_id)
      assert.equal(mine.at(-1)?.data.thread.reply_count, 50)
    })
    const counts = events
      .filter((e) => e.data.message_id === root.message_id)
      .map((e) => e.data.thread.reply_count)
    assert.ok(counts.length <= statements, `${counts.length} patched events for ${statements} statements`)
    assert.deepEqual(
      counts,
      [...new Set(counts)].sort((a, b) => a - b),
      'each patched carries a newer summary'
    )
  })

  it('50 concurrent mentioning sends give mention_count exactly 50', async () => {
    const senders = await Promise.all(Array.from({ length: 5 }, (_, i) => createUser(url, `Sender ${i}`)))
    const target = await createUser(url, 'Target')
    const chat = (await createGroup(url, ann, 'Crowd', [...senders, target])).chat_id
    assert.equal((await listed(target, chat)).mention_count, 0)
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sendMessage(url, senders[i % 5], chat, { content: `@target ${i}`, mentions: [target.user_id] })
      )
    )
    const view = await listed(target, chat)
    assert.equal(view.mention_count, 50)
    assert.equal(view.unread_count, 50)
    const page = (await callAs(url, target, 'GET', '/api/mentions?limit=100')).body
    assert.equal(page.data.length, 50)
  })

  it('replies deleted while others are sent: the summary counts exactly the replies that remain', async () => {
    const chat = (await createGroup(url, ann, 'Deleting thread', [bob])).chat_id
    const root = await sendMessage(url, ann, chat, { content: 'root under deletes' })
    const reply = (from: TestUser, content: string) =>
      sendMessage(url, from, chat, { content, thread_root_id: root.message_id })
    const old = await Promise.all(Array.from({ length: 20 }, (_, i) => reply(bob, `old ${i}`)))
    const [deletes, fresh] = await Promise.all([
      Promise.all(old.slice(0, 10).map((m) => callAs(url, bob, 'DELETE', `/api/messages/${m.message_id}`))),
      Promise.all(Array.from({ length: 20 }, (_, i) => reply(ann, `new ${i}`)))
    ])
    assert.deepEqual(
      deletes.map((d) => d.status),
      Array(10).fill(200)
    )
    const thread = (await callAs(url, ann, 'GET', `/api/messages/${root.message_id}`)).body.thread
    const lastReplyAt = fresh
      .map((m) => m.created_at as string)
      .sort()
      .at(-1)
    assert.deepEqual(thread, {
      reply_count: 30,
      last_reply_at: lastReplyAt,
      participant_ids: [ann.user_id, bob.user_id]
    })
  })
})

import assert from 'node:assert/strict'
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

// Threads (SPEC §10): replies take the chat's next seq, the root's summary is exact under concurrency and
// announced as `patched` once per batch to members only, thread pages, `thread=none`, the migration.
describe('threads', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  let outsider: TestUser
  let chatId: string
  let otherChatId: string
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer()
    url = server.url
    ;[ann, bob, outsider] = await Promise.all([
      createUser(url, 'Thread Ann'),
      createUser(url, 'Thread Bob'),
      createUser(url, 'Thread Out')
    ])
    chatId = (await createGroup(url, ann, 'Thread group', [bob])).chat_id
    otherChatId = (await createGroup(url, outsider, 'Other group', [])).chat_id
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  it('a reply takes the next seq of the chat; the root carries its summary, others thread null', async () => {
    const root = await sendMessage(url, ann, chatId, { content: 'root' })
    assert.equal(root.thread_root_id, null)
    assert.equal(root.thread, null)
    assert.deepEqual(root.mentions, [])
    const reply = await sendMessage(url, bob, chatId, { content: 'reply', thread_root_id: root.message_id })
    assert.equal(reply.thread_root_id, root.message_id)
    assert.equal(reply.thread, null)
    assert.equal(reply.seq, root.seq + 1, 'the chat sequence stays gap-free across threads')
    const after = await sendMessage(url, ann, chatId, { content: 'top level again' })
    assert.equal(after.seq, root.seq + 2)

    const fetched = await callAs(url, ann, 'GET', `/api/messages/${root.message_id}`)
    assert.equal(fetched.status, 200)
    assert.equal(fetched.body.thread.reply_count, 1)
    assert.deepEqual(fetched.body.thread.participant_ids, [bob.user_id])
    assert.equal(fetched.body.thread.last_reply_at, reply.created_at)
  })

  it('thread_root_id must be a top-level, non-deleted message of the same chat (400 naming it)', async () => {
    const root = await sendMessage(url, ann, chatId, { content: 'a root' })
    const reply = await sendMessage(url, ann, chatId, { content: 'a reply', thread_root_id: root.message_id })
    const gone = await sendMessage(url, ann, chatId, { content: 'soon deleted' })
    assert.equal((await callAs(url, ann, 'DELETE', `/api/messages/${gone.message_id}`)).status, 200)
    const foreign = await sendMessage(url, outsider, otherChatId, { content: 'elsewhere' })
    for (const bad of [reply.message_id, gone.message_id, foreign.message_id, '01J00000000000000000000000']) {
      const res = await callAs(url, ann, 'POST', `/api/chats/${chatId}/messages`, {
        content: 'x',
        thread_root_id: bad
      })
      assert.equal(res.status, 400, res.text)
      assert.match(res.body.message, /thread_root_id/)
    }
    const s = await liveSocket(url, ann, sockets)
    await assert.rejects(
      s.client
        .service('api/chats/:chat_id/messages')
        .create({ content: 'x', thread_root_id: reply.message_id }, { route: { chat_id: chatId } }),
      (e: any) => e.code === 400 && /thread_root_id/.test(e.message)
    )
  })

  it('members hear the reply (created) and the root (patched) over sockets; an outsider hears neither', async () => {
    const [annLive, outLive] = await Promise.all([
      liveSocket(url, ann, sockets),
      liveSocket(url, outsider, sockets)
    ])
    const annEvents = recordEvents(annLive.client, 'api/messages', ['created', 'patched'])
    const outEvents = recordEvents(outLive.client, 'api/messages', ['created', 'patched'])
    const root = await sendMessage(url, ann, chatId, { content: 'socket root' })
    const bobLive = await liveSocket(url, bob, sockets)
    const reply = await bobLive.client
      .service('api/chats/:chat_id/messages')
      .create({ content: 'via socket', thread_root_id: root.message_id }, { route: { chat_id: chatId } })
    assert.equal(reply.thread_root_id, root.message_id)
    await eventually(() => {
      assert.ok(annEvents.some((e) => e.event === 'created' && e.data.message_id === reply.message_id))
      const patched = annEvents.find((e) => e.event === 'patched' && e.data.message_id === root.message_id)
      assert.equal(patched?.data.thread.reply_count, 1)
    })
    // Barrier: the outsider's own chat message arrives after the events that must not.
    const barrier = await sendMessage(url, outsider, otherChatId, { content: 'barrier' })
    await eventually(() => assert.ok(outEvents.some((e) => e.data.message_id === barrier.message_id)))
    assert.ok(!outEvents.some((e) => e.data.chat_id === chatId), 'the outsider heard nothing of the chat')
  })

  it('GET /api/messages/:id/thread pages the replies both ways; outsiders get 404 (REST and socket)', async () => {
    const root = await sendMessage(url, ann, chatId, { content: 'paged root' })
    const replies = []
    for (let i = 0; i < 5; i++)
      replies.push(
        await sendMessage(url, i % 2 ? bob : ann, chatId, {
          content: `r${i}`,
          thread_root_id: root.message_id
        })
      )
    await sendMessage(url, ann, chatId, { content: 'not in the thread' })
    const path = `/api/messages/${root.message_id}/thread`

    const asc = await callAs(url, bob, 'GET', `${path}?after_seq=0&limit=3`)
    assert.equal(asc.status, 200, asc.text)
    assert.deepEqual(
      asc.body.data.map((m: any) => m.content),
      ['r0', 'r1', 'r2']
    )
    assert.equal(asc.body.order, 'asc')
    assert.equal(asc.body.has_more, true)
    const rest = await callAs(url, bob, 'GET', `${path}?after_seq=${asc.body.data[2].seq}&limit=3`)
    assert.deepEqual(
      rest.body.data.map((m: any) => m.content),
      ['r3', 'r4']
    )
    assert.equal(rest.body.has_more, false)

    const desc = await callAs(url, ann, 'GET', `${path}?before=${replies[4].message_id}&limit=2`)
    assert.deepEqual(
      desc.body.data.map((m: any) => m.content),
      ['r3', 'r2']
    )
    assert.equal(desc.body.order, 'desc')
    assert.equal(desc.body.has_more, true)
    const newest = await callAs(url, ann, 'GET', path)
    assert.equal(newest.body.data.length, 5)
    assert.equal(newest.body.limit, 50)
    assert.equal((await callAs(url, ann, 'GET', `${path}?limit=1000`)).body.limit, 100)
    assert.equal((await callAs(url, ann, 'GET', `${path}?before=${root.message_id}`)).status, 400)
    assert.equal((await callAs(url, ann, 'GET', `${path}?limit=0`)).status, 400)

    assert.equal((await callAs(url, outsider, 'GET', path)).status, 404)
    assert.equal(
      (await callAs(url, ann, 'GET', '/api/messages/01J00000000000000000000000/thread')).status,
      404
    )
    const outLive = await liveSocket(url, outsider, sockets)
    await assert.rejects(
      outLive.client
        .service('api/messages/:message_id/thread')
        .find({ route: { message_id: root.message_id } }),
      (e: any) => e.code === 404
    )
    const annLive = await liveSocket(url, ann, sockets)
    const page = await annLive.client
      .service('api/messages/:message_id/thread')
      .find({ route: { message_id: root.message_id }, query: { after_seq: 0 } })
    assert.deepEqual(
      page.data.map((m) => m.message_id),
      replies.map((r) => r.message_id)
    )
  })

  it('history with thread=none is the top-level timeline; without it, every message', async () => {
    const chat = (await createGroup(url, ann, 'Timeline', [bob])).chat_id
    const root = await sendMessage(url, ann, chat, { content: 'top 1' })
    await sendMessage(url, bob, chat, { content: 'in thread', thread_root_id: root.message_id })
    await sendMessage(url, ann, chat, { content: 'top 2' })
    const all = await callAs(url, ann, 'GET', `/api/chats/${chat}/messages`)
    assert.deepEqual(
      all.body.data.map((m: any) => m.content),
      ['top 2', 'in thread', 'top 1']
    )
    const top = await callAs(url, ann, 'GET', `/api/chats/${chat}/messages?thread=none`)
    assert.deepEqual(
      top.body.data.map((m: any) => m.content),
      ['top 2', 'top 1']
    )
    const catchUp = await callAs(url, ann, 'GET', `/api/chats/${chat}/messages?after_seq=0`)
    assert.equal(catchUp.body.data.length, 3)
    assert.equal((await callAs(url, ann, 'GET', `/api/chats/${chat}/messages?thread=all`)).status, 400)
  })

  it('the newest page (recent-messages cache) never serves a stale root', async () => {
    const chat = (await createGroup(url, ann, 'Cached', [bob])).chat_id
    const root = await sendMessage(url, ann, chat, { content: 'cached root' })
    const newestRoot = async () =>
      (await callAs(url, ann, 'GET', `/api/chats/${chat}/messages`)).body.data.find(
        (m: any) => m.message_id === root.message_id
      )
    assert.equal((await newestRoot()).thread, null) // fills the cache
    await sendMessage(url, bob, chat, { content: 'one', thread_root_id: root.message_id })
    assert.equal((await newestRoot()).thread.reply_count, 1)
    await sendMessage(url, ann, chat, { content: 'two', thread_root_id: root.message_id })
    const summary = (await newestRoot()).thread
    assert.equal(summary.reply_count, 2)
    assert.deepEqual(summary.participant_ids, [ann.user_id, bob.user_id])
  })

  it('a deleted reply no longer counts: reply_count drops, a replier whose only reply it was leaves participant_ids, announced as patched', async () => {
    const chat = (await createGroup(url, ann, 'Deleted replies', [bob])).chat_id
    const root = await sendMessage(url, ann, chat, { content: 'root of deletions' })
    const annLive = await liveSocket(url, ann, sockets)
    const patched = recordEvents(annLive.client, 'api/messages', ['patched'])
    const reply = (from: TestUser, content: string) =>
      sendMessage(url, from, chat, { content, thread_root_id: root.message_id })
    const r1 = await reply(bob, 'bob first')
    const r2 = await reply(ann, 'ann only')
    const r3 = await reply(bob, 'bob latest')
    const summary = async () =>
      (await callAs(url, ann, 'GET', `/api/messages/${root.message_id}`)).body.thread
    /** The newest history page: the recent-messages cache must not keep the old summary. */
    const cachedSummary = async () =>
      (await callAs(url, bob, 'GET', `/api/chats/${chat}/messages`)).body.data.find(
        (m: any) => m.message_id === root.message_id
      ).thread
    assert.deepEqual(await cachedSummary(), {
      reply_count: 3,
      last_reply_at: r3.created_at,
      participant_ids: [bob.user_id, ann.user_id]
    })
    const remove = async (m: any) =>
      assert.equal(
        (
          await callAs(
            url,
            m.sender_id === ann.user_id ? ann : bob,
            'DELETE',
            `/api/messages/${m.message_id}`
          )
        ).status,
        200
      )
    const rootEvents = () => patched.filter((e) => e.data.message_id === root.message_id)
    const announced = rootEvents().length

    await remove(r2)
    const afterAnn = { reply_count: 2, last_reply_at: r3.created_at, participant_ids: [bob.user_id] }
    assert.deepEqual(await summary(), afterAnn, 'ann had no other reply')
    assert.deepEqual(await cachedSummary(), afterAnn)
    await eventually(() => assert.equal(rootEvents().length, announced + 1))
    assert.deepEqual(rootEvents().at(-1)!.data.thread, afterAnn)

    await remove(r3)
    const afterLatest = { reply_count: 1, last_reply_at: r1.created_at, participant_ids: [bob.user_id] }
    assert.deepEqual(await summary(), afterLatest, 'bob still has a reply')
    assert.deepEqual(await cachedSummary(), afterLatest)

    await remove(r1)
    assert.equal(await summary(), null, 'no reply left')
    assert.equal(await cachedSummary(), null)
    await eventually(() => assert.equal(rootEvents().length, announced + 3))
    assert.equal(rootEvents().at(-1)!.data.thread, null)

    const again = await reply(ann, 'a new reply')
    assert.deepEqual(await summary(), {
      reply_count: 1,
      last_reply_at: again.created_at,
      participant_ids: [ann.user_id]
    })
  })
})

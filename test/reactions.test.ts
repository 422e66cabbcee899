import assert from 'node:assert/strict'
import { reactionEventSchema } from '../src/services/messages/reactions/reactions.schema'
import {
  createGroup,
  createUser,
  openPrivateChat,
  eventually,
  callAs,
  liveSocket,
  recordEvents,
  sendText,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

// Reactions (SPEC §11): idempotent add, remove, list, emoji validation, limits under concurrency, `me` per
// user in history, events to members only.
describe('reactions', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  let outsider: TestUser
  let chatId: string
  let otherChatId: string
  const send = (user: TestUser, chat: string, content = 'hi') => sendText(url, user, chat, content)
  const react = (user: TestUser, messageId: string, emoji: unknown) =>
    callAs(url, user, 'POST', `/api/messages/${messageId}/reactions`, { emoji })
  const list = (user: TestUser, messageId: string) =>
    callAs(url, user, 'GET', `/api/messages/${messageId}/reactions`)

  before(async () => {
    server = await startServer()
    url = server.url
    ann = await createUser(url, 'React Ann')
    bob = await createUser(url, 'React Bob')
    outsider = await createUser(url, 'React Out')
    chatId = (await openPrivateChat(url, ann, bob)).chat_id
    otherChatId = (await openPrivateChat(url, outsider, bob)).chat_id
  })
  after(() => server.stop())

  it('adds (201), repeats (200), lists with me, removes (200); history carries me per user', async () => {
    const m = await send(ann, chatId)
    assert.equal((await react(ann, m.message_id, '👍')).status, 201)
    assert.equal((await react(ann, m.message_id, '👍')).status, 200)
    assert.equal((await react(bob, m.message_id, '👍')).status, 201)
    assert.equal((await react(bob, m.message_id, ':tada:')).status, 201)
    const listed = await list(ann, m.message_id)
    assert.deepEqual(listed.body, [
      { emoji: '👍', count: 2, user_ids: [ann.user_id, bob.user_id], me: true },
      { emoji: ':tada:', count: 1, user_ids: [bob.user_id], me: false }
    ])
    const annView = (await callAs(url, ann, 'GET', `/api/chats/${chatId}/messages`)).body.data
    const bobView = (await callAs(url, bob, 'GET', `/api/chats/${chatId}/messages`)).body.data
    assert.deepEqual(annView.find((x: any) => x.message_id === m.message_id).reactions, [
      { emoji: '👍', count: 2, me: true },
      { emoji: ':tada:', count: 1, me: false }
    ])
    assert.deepEqual(bobView.find((x: any) => x.message_id === m.message_id).reactions, [
      { emoji: '👍', count: 2, me: true },
      { emoji: ':tada:', count: 1, me: true }
    ])
    const one = await callAs(url, ann, 'GET', `/api/messages/${m.message_id}`)
    assert.deepEqual(one.body.reactions[1], { emoji: ':tada:', count: 1, me: false })
    const removed = await callAs(
      url,
      ann,
      'DELETE',
      `/api/messages/${m.message_id}/reactions/${encodeURIComponent('👍')}`
    )
    assert.equal(removed.status, 200, removed.text)
    const after = (await callAs(url, ann, 'GET', `/api/chats/${chatId}/messages`)).body.data
    assert.deepEqual(after.find((x: any) => x.message_id === m.message_id).reactions, [
      { emoji: '👍', count: 1, me: false },
      { emoji: ':tada:', count: 1, me: false }
    ])
  })

  it('the chat list (cached in Redis) shows the last message with its new counts and me per user', async () => {
    const m = await send(bob, chatId, 'last one')
    const lastOf = async (user: TestUser) => {
      const res = await callAs(url, user, 'GET', '/api/chats')
      return res.body.data.find((c: any) => c.chat_id === chatId).last_message
    }
    assert.deepEqual((await lastOf(ann)).reactions, []) // fills ann's cached list
    const key = server.app.get('cache').key('chat_list', ann.user_id)
    assert.ok(await server.app.get('cache').get(key), 'the list is cached')
    assert.equal((await react(ann, m.message_id, '🎉')).status, 201)
    assert.equal(await server.app.get('cache').get(key), undefined, 'the reaction dropped the cached list')
    assert.deepEqual((await lastOf(ann)).reactions, [{ emoji: '🎉', count: 1, me: true }])
    assert.deepEqual((await lastOf(bob)).reactions, [{ emoji: '🎉', count: 1, me: false }])
  })

  it('accepts one emoji grapheme or a :shortcode:, refuses anything else with 400 naming emoji', async () => {
    const m = await send(ann, chatId)
    for (const ok of ['👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '1️⃣', ':thumbs_up:'])
      assert.equal((await react(ann, m.message_id, ok)).status, 201, ok)
    for (const bad of ['ab', '👍👍', '\u0000', '\ud83d', ':UPPER:', 'x'.repeat(200), '', 5]) {
      const res = await react(ann, m.message_id, bad)
      assert.equal(res.status, 400, JSON.stringify(bad))
      assert.match(res.body.message, /emoji/)
    }
    const badDelete = await callAs(url, ann, 'DELETE', `/api/messages/${m.message_id}/reactions/ab`)
    assert.equal(badDelete.status, 400)
  })

  it('outsiders get 404 (GET, POST, DELETE), also with a message id of another chat', async () => {
    const m = await send(ann, chatId)
    await react(ann, m.message_id, '👍')
    assert.equal((await list(outsider, m.message_id)).status, 404)
    assert.equal((await react(outsider, m.message_id, '👍')).status, 404)
    const del = await callAs(
      url,
      outsider,
      'DELETE',
      `/api/messages/${m.message_id}/reactions/${encodeURIComponent('👍')}`
    )
    assert.equal(del.status, 404)
    const other = await send(outsider, otherChatId)
    assert.equal((await react(ann, other.message_id, '👍')).status, 404)
    assert.equal((await list(ann, other.message_id)).status, 404)
  })

  it('50 users reacting at once count 50', async function () {
    this.timeout(60000)
    const group = await createGroup(url, ann, 'Fifty', [])
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => createUser(url, `Fifty ${i}`)))
    const added = await callAs(url, ann, 'POST', `/api/groups/${group.group_id}/members`, {
      user_ids: users.map((u) => u.user_id)
    })
    assert.ok(added.status === 201 || added.status === 200, added.text)
    const m = await send(ann, group.chat_id)
    const results = await Promise.all(users.map((u) => react(u, m.message_id, '🔥')))
    assert.deepEqual(
      results.map((r) => r.status),
      users.map(() => 201)
    )
    assert.equal((await list(ann, m.message_id)).body[0].count, 50)
    const one = await callAs(url, ann, 'GET', `/api/messages/${m.message_id}`)
    assert.deepEqual(one.body.reactions, [{ emoji: '🔥', count: 50, me: false }])
  })

  it('the 51st distinct emoji is 400, even with 60 added in parallel', async () => {
    const m = await send(ann, chatId)
    const emoji = Array.from({ length: 60 }, (_, i) => `:e${i}:`)
    const results = await Promise.all(emoji.map((e) => react(ann, m.message_id, e)))
    assert.equal(results.filter((r) => r.status === 201).length, 50)
    assert.equal(results.filter((r) => r.status === 400).length, 10)
    assert.equal((await list(ann, m.message_id)).body.length, 50)
    assert.equal((await react(bob, m.message_id, ':e_new:')).status, 400)
    const existing = results.findIndex((r) => r.status === 201)
    assert.equal(
      (await react(bob, m.message_id, emoji[existing])).status,
      201,
      'an emoji already there is fine'
    )
  })

  it('events go to members only (socket), and patched events carry me per receiver', async () => {
    const sockets: SocketClient[] = []
    try {
      const [a, b, o] = await Promise.all([ann, bob, outsider].map((u) => liveSocket(url, u, sockets)))
      const aEvents = recordEvents(a.client, 'api/messages/:message_id/reactions', ['created', 'removed'])
      const bPatched = recordEvents(b.client, 'api/messages', ['patched'])
      const aPatched = recordEvents(a.client, 'api/messages', ['patched'])
      const oEvents = recordEvents(o.client, 'api/messages/:message_id/reactions', ['created', 'removed'])
      const m = await send(ann, chatId)
      // over the socket, with the typed client
      const created = await b.client
        .service('api/messages/:message_id/reactions')
        .create({ emoji: '❤️' }, { route: { message_id: m.message_id } })
      assert.equal(created.count, 1)
      await eventually(() => assert.equal(aEvents.length, 1))
      assert.deepEqual(aEvents[0].data, {
        chat_id: chatId,
        message_id: m.message_id,
        emoji: '❤️',
        user_id: bob.user_id,
        count: 1
      })
      await callAs(url, ann, 'PATCH', `/api/messages/${m.message_id}`, { content: 'edited' })
      await eventually(() => assert.ok(aPatched.length === 1 && bPatched.length === 1))
      assert.deepEqual(aPatched[0].data.reactions, [{ emoji: '❤️', count: 1, me: false }])
      assert.deepEqual(bPatched[0].data.reactions, [{ emoji: '❤️', count: 1, me: true }])
      await b.client
        .service('api/messages/:message_id/reactions')
        .remove('❤️', { route: { message_id: m.message_id } })
      await eventually(() => assert.equal(aEvents.length, 2))
      assert.equal(aEvents[1].event, 'removed')
      assert.deepEqual(aEvents[1].data, {
        chat_id: chatId,
        message_id: m.message_id,
        emoji: '❤️',
        user_id: bob.user_id,
        count: 0
      })
      // Both events carry exactly the fields of their declared schema (ReactionEvent: README, OpenAPI).
      const declared = Object.keys(reactionEventSchema.properties).sort()
      for (const e of aEvents) assert.deepEqual(Object.keys(e.data).sort(), declared, e.event)
      assert.deepEqual(Object.keys(created).sort(), declared, 'the create result')
      await assert.rejects(
        o.client.service('api/messages/:message_id/reactions').find({ route: { message_id: m.message_id } }),
        (e: any) => e.code === 404
      )
      await send(ann, chatId, 'fence') // events are ordered per socket: after this, nothing else is in flight
      assert.equal(oEvents.length, 0)
    } finally {
      sockets.forEach((s) => s.close())
    }
  })

  it('a call that changes nothing announces nothing: reacting again (200), taking back what is not there (200)', async () => {
    const sockets: SocketClient[] = []
    try {
      const a = await liveSocket(url, ann, sockets)
      const events = recordEvents(a.client, 'api/messages/:message_id/reactions', ['created', 'removed'])
      const created = recordEvents(a.client, 'api/messages', ['created'])
      const m = await send(bob, chatId, 'react twice')
      assert.equal((await react(bob, m.message_id, '👀')).status, 201)
      assert.equal((await react(bob, m.message_id, '👀')).status, 200)
      const absent = `/api/messages/${m.message_id}/reactions/${encodeURIComponent('🙈')}`
      assert.equal((await callAs(url, bob, 'DELETE', absent)).status, 200)
      const fence = await send(bob, chatId, 'fence') // events are ordered per socket
      await eventually(() => assert.ok(created.some((e) => e.data.message_id === fence.message_id)))
      assert.deepEqual(
        events.map((e) => [e.event, e.data.emoji]),
        [['created', '👀']]
      )
    } finally {
      sockets.forEach((s) => s.close())
    }
  })
})

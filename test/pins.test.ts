import assert from 'node:assert/strict'
import {
  createGroup,
  createUser,
  openPrivateChat,
  eventually,
  http,
  liveSocket,
  recordEvents,
  socketClient,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

// Pins (SPEC §13): who may pin per chat kind, idempotency, newest first with a cursor, the 100-pin limit
// under concurrency, messages carrying pinned_at/pinned_by, events to members only.
describe('pins', () => {
  let server: TestServer
  let url: string
  let owner: TestUser
  let member: TestUser
  let outsider: TestUser
  let group: { group_id: string; chat_id: string }
  let privateChatId: string
  const send = async (user: TestUser, chat: string, content = 'pin me') => {
    const res = await http(url, 'POST', `/api/chats/${chat}/messages`, {
      token: user.access_token,
      body: { content }
    })
    assert.equal(res.status, 201, res.text)
    return res.body
  }
  const pin = (user: TestUser, chat: string, message_id: string) =>
    http(url, 'POST', `/api/chats/${chat}/pins`, { token: user.access_token, body: { message_id } })
  const pins = (user: TestUser, chat: string, query = '') =>
    http(url, 'GET', `/api/chats/${chat}/pins${query}`, { token: user.access_token })

  before(async () => {
    server = await startServer()
    url = server.url
    owner = await createUser(url, 'Pin Owner')
    member = await createUser(url, 'Pin Member')
    outsider = await createUser(url, 'Pin Out')
    group = await createGroup(url, owner, 'Pins', [member])
    privateChatId = (await openPrivateChat(url, member, outsider)).chat_id
  })
  after(() => server.stop())

  it('group: owner pins (201, again 200), members 403, outsiders 404; list newest first; unpin 200', async () => {
    const m1 = await send(member, group.chat_id)
    const m2 = await send(member, group.chat_id)
    assert.equal((await pin(member, group.chat_id, m1.message_id)).status, 403)
    assert.equal((await pin(outsider, group.chat_id, m1.message_id)).status, 404)
    assert.equal((await pins(outsider, group.chat_id)).status, 404)
    const first = await pin(owner, group.chat_id, m1.message_id)
    assert.equal(first.status, 201, first.text)
    assert.equal(first.body.pinned_by, owner.user_id)
    assert.equal((await pin(owner, group.chat_id, m1.message_id)).status, 200)
    assert.equal((await pin(owner, group.chat_id, m2.message_id)).status, 201)
    const list = await pins(member, group.chat_id, '?limit=1')
    assert.equal(list.status, 200)
    assert.deepEqual(
      list.body.data.map((m: any) => m.message_id),
      [m2.message_id]
    )
    assert.equal(list.body.has_more, true)
    const next = await pins(member, group.chat_id, `?limit=1&before=${m2.message_id}`)
    assert.deepEqual(
      next.body.data.map((m: any) => m.message_id),
      [m1.message_id]
    )
    assert.equal(next.body.has_more, false)
    const one = await http(url, 'GET', `/api/messages/${m1.message_id}`, { token: member.access_token })
    assert.equal(one.body.pinned_by, owner.user_id)
    assert.ok(one.body.pinned_at)
    assert.equal(
      (
        await http(url, 'DELETE', `/api/chats/${group.chat_id}/pins/${m1.message_id}`, {
          token: member.access_token
        })
      ).status,
      403
    )
    assert.equal(
      (
        await http(url, 'DELETE', `/api/chats/${group.chat_id}/pins/${m1.message_id}`, {
          token: owner.access_token
        })
      ).status,
      200
    )
    const history = await http(url, 'GET', `/api/chats/${group.chat_id}/messages`, {
      token: member.access_token
    })
    assert.equal(history.body.data.find((m: any) => m.message_id === m1.message_id).pinned_at, null)
  })

  it('private chat: either member pins; another chat’s message is refused with 400 naming message_id', async () => {
    const m = await send(outsider, privateChatId)
    assert.equal((await pin(member, privateChatId, m.message_id)).status, 201)
    const foreign = await send(owner, group.chat_id)
    const res = await pin(member, privateChatId, foreign.message_id)
    assert.equal(res.status, 400)
    assert.match(res.body.message, /message_id/)
    assert.equal((await pin(owner, privateChatId, m.message_id)).status, 404)
  })

  it('at most 100 pins per chat, exact when 110 are pinned in parallel', async function () {
    this.timeout(60000)
    const chat = await createGroup(url, owner, 'Many pins', [])
    const messages = []
    for (let i = 0; i < 110; i++) messages.push(await send(owner, chat.chat_id, `m${i}`))
    const results = await Promise.all(messages.map((m) => pin(owner, chat.chat_id, m.message_id)))
    assert.equal(results.filter((r) => r.status === 201).length, 100)
    assert.equal(results.filter((r) => r.status === 400).length, 10)
    const page = await pins(owner, chat.chat_id, '?limit=100')
    assert.equal(page.body.data.length, 100)
    assert.equal(page.body.has_more, false)
  })

  it('events go to members only; deleting a message unpins it', async () => {
    const m = await send(member, group.chat_id)
    const sockets = [socketClient(url), socketClient(url)]
    try {
      await sockets[0].client.authenticate({ strategy: 'jwt', accessToken: member.access_token })
      await sockets[1].client.authenticate({ strategy: 'jwt', accessToken: outsider.access_token })
      const seen = recordEvents(sockets[0].client, 'api/chats/:chat_id/pins', ['created', 'removed'])
      const notSeen = recordEvents(sockets[1].client, 'api/chats/:chat_id/pins', ['created', 'removed'])
      await pin(owner, group.chat_id, m.message_id)
      await eventually(() => assert.equal(seen.length, 1))
      assert.equal(seen[0].data.message_id, m.message_id)
      await assert.rejects(
        sockets[1].client.service('api/chats/:chat_id/pins').find({ route: { chat_id: group.chat_id } }),
        (e: any) => e.code === 404
      )
      await http(url, 'DELETE', `/api/messages/${m.message_id}`, { token: member.access_token })
      const list = await pins(owner, group.chat_id, '?limit=100')
      assert.ok(!list.body.data.some((x: any) => x.message_id === m.message_id))
      assert.equal(
        (await pin(owner, group.chat_id, m.message_id)).status,
        400,
        'a deleted message cannot be pinned'
      )
      await send(member, privateChatId, 'fence')
      assert.equal(notSeen.length, 0)
    } finally {
      sockets.forEach((s) => s.close())
    }
  })

  it('a call that changes nothing announces nothing: pinning again (200), unpinning what is not pinned (200)', async () => {
    const s = await liveSocket(url, owner)
    try {
      const events = recordEvents(s.client, 'api/chats/:chat_id/pins', ['created', 'removed'])
      const created = recordEvents(s.client, 'api/messages', ['created'])
      const m = await send(member, group.chat_id, 'pin twice')
      const never = await send(member, group.chat_id, 'never pinned')
      assert.equal((await pin(owner, group.chat_id, m.message_id)).status, 201)
      assert.equal((await pin(owner, group.chat_id, m.message_id)).status, 200)
      const unpin = await http(url, 'DELETE', `/api/chats/${group.chat_id}/pins/${never.message_id}`, {
        token: owner.access_token
      })
      assert.equal(unpin.status, 200, unpin.text)
      const fence = await send(member, group.chat_id, 'fence') // events are ordered per socket
      await eventually(() => assert.ok(created.some((e) => e.data.message_id === fence.message_id)))
      assert.deepEqual(
        events.map((e) => [e.event, e.data.message_id]),
        [['created', m.message_id]]
      )
    } finally {
      s.close()
    }
  })
})

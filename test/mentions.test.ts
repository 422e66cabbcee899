import assert from 'node:assert/strict'
import {
  createGroup,
  createUser,
  openPrivateChat,
  eventually,
  sendMessage,
  http,
  recordEvents,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser,
  callAs,
  liveSocket
} from './helpers'

// Mentions (SPEC §12): who may be mentioned (members; `all` by owners and admins of groups), mention_count in
// the chat list beside unread_count (exact under concurrency, lowered by mark-read, cached lists included),
// GET /api/mentions (newest first, paged, left chats and deleted messages excluded), edits and deletes.
describe('mentions', () => {
  let server: TestServer
  let url: string
  let owner: TestUser
  let admin: TestUser
  let member: TestUser
  let other: TestUser
  let outsider: TestUser
  let groupId: string
  let chatId: string
  const sockets: SocketClient[] = []

  /** My view of a chat in GET /api/chats (the cached first page). */
  const listed = async (user: TestUser, chat: string) => {
    const res = await callAs(url, user, 'GET', '/api/chats')
    assert.equal(res.status, 200, res.text)
    return res.body.data.find((c: any) => c.chat_id === chat)
  }
  const mentionCount = async (user: TestUser, chat: string) => (await listed(user, chat)).mention_count
  const markRead = async (user: TestUser, chat: string) =>
    assert.equal((await callAs(url, user, 'PUT', `/api/chats/${chat}/mark-read`, {})).status, 200)
  const mentionsPage = async (user: TestUser, query = '') => {
    const res = await callAs(url, user, 'GET', `/api/mentions${query}`)
    assert.equal(res.status, 200, res.text)
    return res.body
  }

  before(async () => {
    server = await startServer()
    url = server.url
    ;[owner, admin, member, other, outsider] = await Promise.all(
      ['Owner', 'Admin', 'Member', 'Other', 'Outsider'].map((n) => createUser(url, `Mention ${n}`))
    )
    const group = await createGroup(url, owner, 'Mentions', [member, other])
    groupId = group.group_id
    chatId = group.chat_id
    const added = await callAs(url, owner, 'POST', `/api/groups/${groupId}/members`, {
      user_id: admin.user_id,
      role: 'admin'
    })
    assert.equal(added.status, 201, added.text)
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  it('a mention of a member is stored on the message and counted for that member only', async () => {
    for (const u of [owner, admin, member, other]) await markRead(u, chatId)
    assert.equal(await mentionCount(member, chatId), 0) // caches the list
    const sent = await sendMessage(url, owner, chatId, { content: 'hey @member', mentions: [member.user_id] })
    assert.deepEqual(sent.mentions, [member.user_id])
    assert.deepEqual((await callAs(url, other, 'GET', `/api/messages/${sent.message_id}`)).body.mentions, [
      member.user_id
    ])
    assert.equal(await mentionCount(member, chatId), 1)
    assert.equal((await listed(member, chatId)).unread_count, 1)
    assert.equal(await mentionCount(other, chatId), 0)
    assert.equal(await mentionCount(owner, chatId), 0)
  })

  it('mark-read lowers mention_count with unread_count', async () => {
    await sendMessage(url, owner, chatId, { content: 'again', mentions: [member.user_id] })
    assert.ok((await mentionCount(member, chatId)) >= 1)
    await markRead(member, chatId)
    const view = await listed(member, chatId)
    assert.deepEqual([view.mention_count, view.unread_count], [0, 0])
  })

  it('mark-read answers the new unread and mention counts; my other connections get them in the read event, other members the pointer only', async () => {
    await markRead(member, chatId)
    await markRead(other, chatId)
    const mine = await liveSocket(url, member, sockets)
    const theirs = await liveSocket(url, other, sockets)
    const path = 'api/chats/:chat_id/mark-read'
    const myReads = recordEvents(mine.client, path, ['read'])
    const theirReads = recordEvents(theirs.client, path, ['read'])
    const first = await sendMessage(url, owner, chatId, {
      content: 'one @member',
      mentions: [member.user_id]
    })
    await sendMessage(url, owner, chatId, { content: 'two @member', mentions: [member.user_id] })
    await sendMessage(url, owner, chatId, { content: 'three, no mention' })
    const res = await callAs(url, member, 'PUT', `/api/chats/${chatId}/mark-read`, {
      message_id: first.message_id
    })
    assert.equal(res.status, 200, res.text)
    const pointer = { chat_id: chatId, user_id: member.user_id, last_read_seq: first.seq }
    assert.deepEqual(res.body, { ...pointer, unread_count: 2, mention_count: 1 })
    const view = await listed(member, chatId)
    assert.deepEqual([view.unread_count, view.mention_count], [2, 1], 'the answer agrees with the chat list')
    await eventually(() => assert.ok(myReads.length === 1 && theirReads.length === 1))
    assert.deepEqual(myReads[0].data, res.body)
    assert.deepEqual(theirReads[0].data, pointer, 'another member gets no counts of mine')
    const all = await callAs(url, member, 'PUT', `/api/chats/${chatId}/mark-read`, {})
    assert.deepEqual([all.body.unread_count, all.body.mention_count], [0, 0])
  })

  it('refuses non-members (400 naming mentions), duplicates and more than 50', async () => {
    const cases: unknown[] = [
      [outsider.user_id],
      ['01J00000000000000000000000'],
      [member.user_id, member.user_id],
      Array.from({ length: 51 }, (_, i) => `user-${i}`),
      [''],
      'not-an-array'
    ]
    for (const mentions of cases) {
      const res = await callAs(url, owner, 'POST', `/api/chats/${chatId}/messages`, {
        content: 'x',
        mentions
      })
      assert.equal(res.status, 400, `${JSON.stringify(mentions)}: ${res.text}`)
      assert.match(res.body.message, /mentions/)
    }
    const s = await liveSocket(url, owner, sockets)
    await assert.rejects(
      s.client
        .service('api/chats/:chat_id/messages')
        .create({ content: 'x', mentions: [outsider.user_id] }, { route: { chat_id: chatId } }),
      (e: any) => e.code === 400 && /mentions/.test(e.message)
    )
  })

  it('"all" is for owners and admins of groups: 403 for a member, 400 in a private chat', async () => {
    const res = await callAs(url, member, 'POST', `/api/chats/${chatId}/messages`, {
      content: 'all!',
      mentions: ['all']
    })
    assert.equal(res.status, 403, res.text)
    const s = await liveSocket(url, member, sockets)
    await assert.rejects(
      s.client
        .service('api/chats/:chat_id/messages')
        .create({ content: 'all!', mentions: ['all'] }, { route: { chat_id: chatId } }),
      (e: any) => e.code === 403
    )
    const priv = (await openPrivateChat(url, owner, outsider)).chat_id
    const inPrivate = await callAs(url, owner, 'POST', `/api/chats/${priv}/messages`, {
      content: 'x',
      mentions: ['all']
    })
    assert.equal(inPrivate.status, 400, inPrivate.text)
    assert.match(inPrivate.body.message, /mentions/)

    for (const u of [owner, admin, member, other]) await markRead(u, chatId)
    await sendMessage(url, admin, chatId, { content: 'everyone', mentions: ['all'] })
    assert.equal(await mentionCount(owner, chatId), 1)
    assert.equal(await mentionCount(member, chatId), 1)
    assert.equal(await mentionCount(other, chatId), 1)
    assert.equal(await mentionCount(admin, chatId), 0, 'not the sender')
    for (const u of [owner, member, other]) await markRead(u, chatId)
  })

  it('GET /api/mentions: newest first, paged with before; left chats and deleted messages excluded', async () => {
    const reader = await createUser(url, 'Reader')
    const friend = await createUser(url, 'Friend')
    const group = await createGroup(url, friend, 'To leave', [reader])
    const priv = (await openPrivateChat(url, friend, reader)).chat_id
    const sent = []
    for (let i = 0; i < 3; i++)
      sent.push(await sendMessage(url, friend, priv, { content: `p${i}`, mentions: [reader.user_id] }))
    const inGroup = await sendMessage(url, friend, group.chat_id, {
      content: 'g',
      mentions: [reader.user_id]
    })
    const deleted = await sendMessage(url, friend, priv, { content: 'deleted', mentions: [reader.user_id] })
    await sendMessage(url, friend, priv, { content: 'no mention' })
    assert.equal((await callAs(url, friend, 'DELETE', `/api/messages/${deleted.message_id}`)).status, 200)

    const first = await mentionsPage(reader, '?limit=2')
    assert.deepEqual(
      first.data.map((m: any) => m.content),
      ['g', 'p2']
    )
    assert.deepEqual([first.has_more, first.limit], [true, 2])
    const second = await mentionsPage(reader, `?limit=2&before=${first.data[1].message_id}`)
    assert.deepEqual(
      second.data.map((m: any) => m.content),
      ['p1', 'p0']
    )
    assert.equal(second.has_more, false)
    assert.equal((await mentionsPage(reader, '?limit=1000')).limit, 100)
    assert.equal((await callAs(url, reader, 'GET', '/api/mentions?limit=0')).status, 400)
    assert.equal((await callAs(url, reader, 'GET', '/api/mentions?chat_id=x')).status, 400)

    assert.equal((await callAs(url, reader, 'POST', `/api/groups/${group.group_id}/leave`, {})).status, 200)
    const afterLeaving = await mentionsPage(reader)
    assert.ok(
      !afterLeaving.data.some((m: any) => m.message_id === inGroup.message_id),
      'a left chat is excluded'
    )
    assert.equal(afterLeaving.data.length, 3)
    assert.equal((await mentionsPage(friend)).data.length, 0, 'the sender is not mentioned')
    assert.equal((await mentionsPage(outsider)).data.length, 0)

    const s = await liveSocket(url, reader, sockets)
    const page = await s.client.service('api/mentions').find({ query: { limit: 10 } })
    assert.deepEqual(
      page.data.map((m) => m.message_id),
      [...sent].reverse().map((m) => m.message_id)
    )
    assert.equal((await http(url, 'GET', '/api/mentions')).status, 401)
  })

  it('an edit that drops a mention removes it; one that adds a mention adds it; a delete removes it', async () => {
    for (const u of [member, other]) await markRead(u, chatId)
    const sent = await sendMessage(url, owner, chatId, { content: 'first', mentions: [member.user_id] })
    assert.equal(await mentionCount(member, chatId), 1)
    const edited = await callAs(url, owner, 'PATCH', `/api/messages/${sent.message_id}`, {
      content: 'second',
      mentions: [other.user_id]
    })
    assert.equal(edited.status, 200, edited.text)
    assert.deepEqual(edited.body.mentions, [other.user_id])
    assert.equal(await mentionCount(member, chatId), 0)
    assert.equal(await mentionCount(other, chatId), 1)
    assert.ok(!(await mentionsPage(member)).data.some((m: any) => m.message_id === sent.message_id))
    assert.ok((await mentionsPage(other)).data.some((m: any) => m.message_id === sent.message_id))
    // An edit without `mentions` keeps them; a bad one is refused like on send.
    const kept = await callAs(url, owner, 'PUT', `/api/messages/${sent.message_id}`, { content: 'third' })
    assert.deepEqual(kept.body.mentions, [other.user_id])
    const bad = await callAs(url, owner, 'PATCH', `/api/messages/${sent.message_id}`, {
      content: 'x',
      mentions: [outsider.user_id]
    })
    assert.equal(bad.status, 400, bad.text)
    const mine = await sendMessage(url, member, chatId, { content: 'mine' })
    const all = await callAs(url, member, 'PATCH', `/api/messages/${mine.message_id}`, {
      content: 'y',
      mentions: ['all']
    })
    assert.equal(all.status, 403, all.text)

    const removed = await callAs(url, owner, 'DELETE', `/api/messages/${sent.message_id}`)
    assert.deepEqual([removed.status, removed.body.mentions], [200, []])
    assert.equal(await mentionCount(other, chatId), 0)
    assert.ok(!(await mentionsPage(other)).data.some((m: any) => m.message_id === sent.message_id))
  })

  it('members hear the mentioning message with its mentions; an outsider does not', async () => {
    const [memberLive, outLive] = await Promise.all([
      liveSocket(url, member, sockets),
      liveSocket(url, outsider, sockets)
    ])
    const memberEvents = recordEvents(memberLive.client, 'api/messages', ['created', 'patched'])
    const outEvents = recordEvents(outLive.client, 'api/messages', ['created', 'patched'])
    const sent = await sendMessage(url, owner, chatId, { content: 'live', mentions: [member.user_id] })
    await eventually(() => {
      const got = memberEvents.find((e) => e.data.message_id === sent.message_id)
      assert.deepEqual(got?.data.mentions, [member.user_id])
    })
    const outsiderChat = (await createGroup(url, outsider, 'Barrier', [])).chat_id
    const barrier = await sendMessage(url, outsider, outsiderChat, { content: 'barrier' })
    await eventually(() => assert.ok(outEvents.some((e) => e.data.message_id === barrier.message_id)))
    assert.ok(!outEvents.some((e) => e.data.chat_id === chatId))
  })
})

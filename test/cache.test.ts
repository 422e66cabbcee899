import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import {
  createUser,
  http,
  openPrivateChat,
  postMessage,
  sendText,
  startServer,
  type TestServer
} from './helpers'
import { testRedis } from './setup'

describe('Redis caches: used, and never stale after a write', () => {
  let server: TestServer
  let redis: Redis
  let prefix: string

  before(async function () {
    if (!testRedis.url) {
      console.log('    (skipped: these tests read the Redis keys themselves, and Redis is not reachable)')
      return this.skip()
    }
    server = await startServer()
    prefix = server.app.get('redis').keyPrefix
    redis = new Redis(testRedis.url!)
  })
  after(async () => {
    redis?.disconnect()
    await server?.stop()
  })

  it('user:{id} and session:{sid} are filled by authentication and dropped by profile changes and logout', async () => {
    const user = await createUser(server.url, 'Cache User')
    const userKey = `${prefix}user:${user.user_id}`
    // The session id is the access token's `sid` claim.
    const sid = JSON.parse(Buffer.from(user.access_token.split('.')[1], 'base64url').toString()).sid
    const sessionKey = `${prefix}session:${sid}`
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })).status,
      200
    )
    const cached = JSON.parse((await redis.get(userKey))!)
    assert.equal(cached.user_id, user.user_id)
    assert.equal(cached.name, 'Cache User')
    assert.equal(cached.password_hash, undefined, 'no password hash in Redis')
    assert.equal(await redis.exists(sessionKey), 1, 'the session is cached under its own sid')

    await http(server.url, 'PUT', '/api/users/profile', {
      token: user.access_token,
      body: { name: 'Renamed' }
    })
    assert.equal(await redis.exists(userKey), 0, 'a profile change drops user:{id}')
    const me = await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })
    assert.equal(me.body.name, 'Renamed')
    assert.equal(JSON.parse((await redis.get(userKey))!).name, 'Renamed', 'refilled with the new name')

    await http(server.url, 'POST', '/api/auth/logout', { token: user.access_token, body: {} })
    assert.equal(await redis.exists(sessionKey), 0, 'logout drops session:{sid}')
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })).status,
      401
    )
  })

  it('chat_list:{id} serves GET /api/chats and follows sends, reads, renames and new chats', async () => {
    const ann = await createUser(server.url, 'Cache Ann')
    const bob = await createUser(server.url, 'Cache Bob')
    const list = async (u = ann) =>
      (await http(server.url, 'GET', '/api/chats', { token: u.access_token })).body
    assert.deepEqual((await list()).data, [])
    assert.ok(await redis.exists(`${prefix}chat_list:${ann.user_id}`), 'the first page is cached')

    const chat = await openPrivateChat(server.url, bob, ann)
    assert.equal((await list()).data.length, 1, 'a new chat appears at once')
    await sendText(server.url, bob, chat.chat_id, 'one')
    let page = await list()
    assert.equal(page.data[0].unread_count, 1)
    assert.equal(page.data[0].last_message.content, 'one')
    await http(server.url, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, {
      token: ann.access_token,
      body: {}
    })
    assert.equal((await list()).data[0].unread_count, 0)

    const group = await http(server.url, 'POST', '/api/groups', {
      token: bob.access_token,
      body: { name: 'Cached group', member_ids: [ann.user_id] }
    })
    page = await list()
    assert.equal(page.data.length, 2)
    await http(server.url, 'PATCH', `/api/groups/${group.body.group_id}`, {
      token: bob.access_token,
      body: { name: 'Renamed group' }
    })
    page = await list()
    assert.ok(page.data.some((c: any) => c.group?.name === 'Renamed group' && c.name === 'Renamed group'))
    await http(server.url, 'PUT', '/api/users/profile', {
      token: bob.access_token,
      body: { name: 'Bob Renamed' }
    })
    page = await list()
    assert.ok(page.data.some((c: any) => c.other_user?.name === 'Bob Renamed'))
    await http(server.url, 'DELETE', `/api/groups/${group.body.group_id}/members/${ann.user_id}`, {
      token: bob.access_token
    })
    assert.equal((await list()).data.length, 1, 'a removed member’s list drops the group at once')
  })

  it('chat_list:{id} holds the {data, limit, skip, has_more} page; an entry of the old {total} shape is replaced', async () => {
    const ann = await createUser(server.url, 'Shape Ann')
    const bob = await createUser(server.url, 'Shape Bob')
    const chat = await openPrivateChat(server.url, ann, bob)
    const key = `${prefix}chat_list:${ann.user_id}`
    const list = async () => (await http(server.url, 'GET', '/api/chats', { token: ann.access_token })).body
    const first = await list()
    assert.deepEqual(
      [first.data.map((c: any) => c.chat_id), first.limit, first.skip, first.has_more, first.total],
      [[chat.chat_id], 20, 0, false, undefined]
    )
    assert.deepEqual(JSON.parse((await redis.get(key))!), first, 'the cached entry is the page itself')
    // What a server before the change cached: the page read from Redis must not keep that shape alive.
    await redis.set(key, JSON.stringify({ total: 1, limit: 20, skip: 0, data: first.data }), 'EX', 600)
    assert.deepEqual(await list(), first)
    assert.equal(JSON.parse((await redis.get(key))!).has_more, false, 'the old entry was overwritten')
  })

  it('message_queue:{chat_id} serves the newest page and follows sends, edits and deletes', async () => {
    const ann = await createUser(server.url, 'Queue Ann')
    const bob = await createUser(server.url, 'Queue Bob')
    const chat = await openPrivateChat(server.url, ann, bob)
    const path = `/api/chats/${chat.chat_id}/messages`
    const send = (content: string) => postMessage(server.url, ann, chat.chat_id, { content })
    const newest = async () => (await http(server.url, 'GET', path, { token: bob.access_token })).body
    for (let i = 1; i <= 3; i++) await send(`m${i}`)
    assert.deepEqual(
      (await newest()).data.map((m: any) => m.seq),
      [3, 2, 1]
    )
    assert.equal(await redis.zcard(`${prefix}message_queue:${chat.chat_id}`), 3, 'the read filled the queue')

    const fourth = await send('m4')
    let page = await newest()
    assert.deepEqual(
      page.data.map((m: any) => m.seq),
      [4, 3, 2, 1]
    )
    assert.equal(await redis.zcard(`${prefix}message_queue:${chat.chat_id}`), 4, 'the send extended it')
    await http(server.url, 'PATCH', `/api/messages/${fourth.body.message_id}`, {
      token: ann.access_token,
      body: { content: 'm4 edited' }
    })
    page = await newest()
    assert.equal(page.data[0].content, 'm4 edited')
    await http(server.url, 'DELETE', `/api/messages/${fourth.body.message_id}`, { token: ann.access_token })
    page = await newest()
    assert.equal(page.data[0].content, '')
    assert.ok(page.data[0].deleted_at)
    // A queue that lost an entry (e.g. Redis hiccup) is detected by the seq check and rebuilt.
    await redis.zremrangebyscore(`${prefix}message_queue:${chat.chat_id}`, 2, 2)
    assert.deepEqual(
      (await newest()).data.map((m: any) => m.seq),
      [4, 3, 2, 1]
    )
    assert.equal(await redis.zcard(`${prefix}message_queue:${chat.chat_id}`), 4)
  })
})

import assert from 'node:assert/strict'
import {
  createUser,
  http,
  openPrivateChat,
  postMessage,
  socketClient,
  startServer,
  uniqueEmail,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'
import { testRedis, testKeyPrefix } from './setup'

describe('rate limits on messages and socket events', () => {
  let server: TestServer
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer({
      settings: { limits: { messagesPerUserPer10s: 3, socketEventsPerSecond: 5 } }
    })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  it('limits message sends per user: 429 with Retry-After, other users unaffected', async () => {
    const ann = await createUser(server.url, 'Limit Ann')
    const bob = await createUser(server.url, 'Limit Bob')
    const chat = await openPrivateChat(server.url, ann, bob)
    const send = (user: TestUser) => postMessage(server.url, user, chat.chat_id, { content: 'x' })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await send(ann)).status)
    assert.deepEqual(statuses, [201, 201, 201, 429])
    const limited = await send(ann)
    assert.equal(limited.body.name, 'TooManyRequests')
    assert.ok(Number(limited.headers.get('retry-after')) >= 1)
    assert.equal((await send(bob)).status, 201)
  })

  it('limits events per socket: calls over the budget are refused with TooManyRequests, not dropped', async () => {
    const user = await createUser(server.url, 'Limit Socket')
    const s = socketClient(server.url)
    sockets.push(s)
    await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => s.client.service('api/users/profile').find())
    )
    const refused = results.filter((r) => r.status === 'rejected')
    assert.ok(refused.length >= 1, 'some calls are refused')
    assert.ok(
      results.some((r) => r.status === 'fulfilled'),
      'the budget still serves calls'
    )
    for (const r of refused) assert.equal((r as PromiseRejectedResult).reason.name, 'TooManyRequests')
  })
})

describe('rate limits shared by instances through Redis', () => {
  let a: TestServer
  let b: TestServer

  before(async function () {
    if (!testRedis.url) this.skip()
    const redis = { url: testRedis.url, keyPrefix: testKeyPrefix() }
    const limits = { loginPerEmailAndIpPerMinute: 3 }
    a = await startServer({ settings: { redis, limits } })
    b = await startServer({ settings: { redis, limits } })
  })
  after(async () => {
    await a?.stop()
    await b?.stop()
  })

  it('counts logins for one email from one client on every instance together', async () => {
    const email = uniqueEmail('shared-limit')
    const statuses = []
    for (const server of [a, b, a, b]) {
      statuses.push(
        (await http(server.url, 'POST', '/api/auth/login', { body: { email, password: 'wrong-password' } }))
          .status
      )
    }
    assert.deepEqual(statuses, [401, 401, 401, 429])
  })
})

describe('admission control', () => {
  let server: TestServer
  before(async () => {
    server = await startServer({ settings: { limits: { maxConcurrentCalls: 1, maxQueuedCalls: 1 } } })
  })
  after(() => server.stop())

  it('refuses calls beyond the running and waiting budget at once with 503, and serves the rest', async () => {
    const user = await createUser(server.url, 'Busy User')
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        http(server.url, 'GET', '/api/users/profile', { token: user.access_token })
      )
    )
    const statuses = results.map((r) => r.status)
    assert.ok(statuses.includes(200), statuses.join(','))
    assert.ok(statuses.includes(503), statuses.join(','))
    assert.ok(
      statuses.every((s) => s === 200 || s === 503),
      statuses.join(',')
    )
    const busy = results.find((r) => r.status === 503)!
    assert.equal(busy.body.message, 'Server busy, retry shortly')
    assert.equal(busy.headers.get('retry-after'), '1')
    // Once the burst is over, everything is served again.
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })).status,
      200
    )
  })
})

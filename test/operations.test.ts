import assert from 'node:assert/strict'
import {
  createUser,
  eventually,
  http,
  openPrivateChat,
  postMessage,
  recordEvents,
  sendText,
  socketClient,
  startRelay,
  startServer,
  type SocketClient,
  type TestServer
} from './helpers'
import { testDatabase, testRedis, testKeyPrefix, testRedisUrlVia } from './setup'

describe('operations: metrics', () => {
  let server: TestServer
  before(async () => {
    server = await startServer()
  })
  after(() => server.stop())

  it('GET /metrics exposes connections, events, messages, latency histograms, pool and Redis state', async () => {
    const ann = await createUser(server.url, 'Metrics Ann')
    const bob = await createUser(server.url, 'Metrics Bob')
    const s = socketClient(server.url)
    try {
      await s.client.authenticate({ strategy: 'jwt', accessToken: bob.access_token })
      const events = recordEvents(s.client, 'api/messages', ['created'])
      const chat = await openPrivateChat(server.url, ann, bob)
      await sendText(server.url, ann, chat.chat_id, 'm')
      await eventually(() => assert.equal(events.length, 1))
      const res = await http(server.url, 'GET', '/metrics')
      assert.equal(res.status, 200)
      const text = res.text
      assert.match(text, /^chat_socket_connections 1$/m)
      assert.match(text, /^chat_authenticated_users 1$/m)
      assert.match(text, /^chat_messages_created_total 1$/m)
      assert.match(text, /^chat_events_published_total\{path="api\/messages",event="created"\} 1$/m)
      assert.match(text, /^chat_http_request_duration_seconds_count\{method="POST",status="201"\} \d+$/m)
      assert.match(
        text,
        /^chat_service_method_duration_seconds_count\{path="api\/chats\/:chat_id\/messages",method="create",provider="rest"\} 1$/m
      )
      assert.match(text, /^chat_db_pool_connections\{state="used"\} \d+$/m)
      assert.match(text, /^chat_redis_up -?\d$/m)
      assert.match(text, /^process_resident_memory_bytes \d+/m)
    } finally {
      s.close()
    }
  })
})

describe('faults: Redis down', function () {
  let a: TestServer
  let b: TestServer
  let relay: Awaited<ReturnType<typeof startRelay>>
  const sockets: SocketClient[] = []

  before(async function () {
    if (!testRedis.url) this.skip()
    relay = await startRelay(() => Number(new URL(testRedis.url!).port || 6379))
    const redis = { url: testRedisUrlVia(relay.port), keyPrefix: testKeyPrefix() }
    a = await startServer({ settings: { redis } })
    b = await startServer({ settings: { redis } })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await a?.stop()
    await b?.stop()
    await relay?.close()
  })

  it('each instance keeps serving its own clients, /health says degraded, and it recovers', async () => {
    const ann = await createUser(a.url, 'Fault Ann')
    const bob = await createUser(a.url, 'Fault Bob')
    const chat = await openPrivateChat(a.url, ann, bob)
    const bobOnA = socketClient(a.url)
    const bobOnB = socketClient(b.url)
    sockets.push(bobOnA, bobOnB)
    await bobOnA.client.authenticate({ strategy: 'jwt', accessToken: bob.access_token })
    await bobOnB.client.authenticate({ strategy: 'jwt', accessToken: bob.access_token })
    const onA = recordEvents(bobOnA.client, 'api/messages', ['created'])
    const onB = recordEvents(bobOnB.client, 'api/messages', ['created'])
    const send = (content: string) => postMessage(a.url, ann, chat.chat_id, { content })

    relay.pause()
    await eventually(async () => assert.equal((await http(a.url, 'GET', '/health')).body.status, 'degraded'))
    const health = await http(a.url, 'GET', '/health')
    assert.equal(health.status, 200)
    assert.equal(health.body.redis, 'down')

    // REST, rate limits (insurance limiter) and local delivery keep working on A.
    const during = await send('while redis is down')
    assert.equal(during.status, 201)
    await eventually(() => assert.equal(onA.length, 1))
    const login = await http(a.url, 'POST', '/api/auth/login', {
      body: { email: ann.email, password: ann.password }
    })
    assert.equal(login.status, 200)
    const viaSocket = await bobOnA.client.service('api/chats').find()
    assert.ok(viaSocket.data.length >= 1)

    relay.resume()
    await eventually(async () => assert.equal((await http(a.url, 'GET', '/health')).body.status, 'ok'), 15000)
    await eventually(async () => assert.equal((await http(b.url, 'GET', '/health')).body.status, 'ok'), 15000)
    // Cross-instance delivery resumes: a message sent on A reaches Bob's socket on B.
    await eventually(async () => {
      await send(`after recovery ${Date.now()}`)
      assert.ok(onB.some((e) => String(e.data.content).startsWith('after recovery')))
    }, 15000)
  })

  it('a Redis that stops answering (connections open, no replies) delays requests by its command timeout, no more', async () => {
    const cy = await createUser(a.url, 'Stall Cy')
    const dee = await createUser(a.url, 'Stall Dee')
    const chat = await openPrivateChat(a.url, cy, dee)
    const path = `/api/chats/${chat.chat_id}/messages`
    assert.equal(
      (await http(a.url, 'POST', path, { token: cy.access_token, body: { content: 'before' } })).status,
      201
    )

    relay.stall()
    try {
      // Sends go through one writer per instance: a hung cache invalidation must not hold every chat's sends.
      const sends = await Promise.all(
        ['one', 'two', 'three'].map((content) =>
          http(a.url, 'POST', path, { token: cy.access_token, body: { content } })
        )
      )
      assert.deepEqual(
        sends.map((s) => s.status),
        [201, 201, 201]
      )
      const page = await http(a.url, 'GET', path, { token: dee.access_token })
      assert.equal(page.status, 200)
      assert.deepEqual(
        page.body.data
          .slice(0, 3)
          .map((m: any) => m.content)
          .sort(),
        ['one', 'three', 'two']
      )
    } finally {
      relay.unstall()
    }
  })
})

describe('faults: PostgreSQL unreachable', () => {
  let server: TestServer
  let relay: Awaited<ReturnType<typeof startRelay>>

  before(async function () {
    if (!testDatabase.url) this.skip() // needs a PostgreSQL server to put a relay in front of
    const url = new URL(testDatabase.url)
    const pgPort = Number(url.port || 5432)
    relay = await startRelay(() => pgPort)
    url.host = `127.0.0.1:${relay.port}`
    server = await startServer({ settings: { database: { url: url.toString() } } })
  })
  after(async () => {
    await server?.stop()
    await relay?.close()
  })

  it('fails fast with 503 while the database is away and recovers without a restart', async () => {
    const user = await createUser(server.url, 'Fault Pg')
    relay.pause()
    const started = Date.now()
    const during = await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })
    const elapsed = Date.now() - started
    assert.equal(during.status, 503)
    // Fast: well under the pool's 5 s acquire timeout, which a request waiting for a connection would hit.
    assert.ok(elapsed < 3000, `the 503 took ${elapsed} ms`)
    assert.equal(during.body.name, 'Unavailable')
    assert.equal((await http(server.url, 'GET', '/health')).status, 503)
    relay.resume()
    await eventually(async () => {
      const after = await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })
      assert.equal(after.status, 200)
    }, 15000)
    assert.equal((await http(server.url, 'GET', '/health')).status, 200)
  })
})

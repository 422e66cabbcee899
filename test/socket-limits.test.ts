// SPEC §9: a cap on sockets per user (MAX_SOCKETS_PER_USER) and on new connections per client address
// (RATE_LIMIT_CONNECTIONS_PER_IP_PER_MINUTE).
import assert from 'node:assert/strict'
import { io } from 'socket.io-client'
import {
  createUser,
  eventually,
  http,
  openPrivateChat,
  recordEvents,
  sendText,
  socketClient,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'
import { testRedis, testKeyPrefix } from './setup'

const sockets: SocketClient[] = []
const open = async (server: TestServer, user: TestUser) => {
  const s = socketClient(server.url)
  sockets.push(s)
  await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
  return s
}
const refusal = async (server: TestServer, user: TestUser) => {
  const s = socketClient(server.url)
  sockets.push(s)
  const error = await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token }).then(
    () => undefined,
    (e: any) => e
  )
  return { s, error }
}

describe('sockets per user', () => {
  let server: TestServer
  before(async () => {
    server = await startServer({ settings: { limits: { maxSocketsPerUser: 3 } } })
  })
  after(async () => {
    sockets.splice(0).forEach((s) => s.close())
    await server.stop()
  })

  it('refuses the socket beyond the cap with a 429 naming the limit; the others keep working, and it hears nothing', async () => {
    const user = await createUser(server.url, 'Capped User')
    const peer = await createUser(server.url, 'Capped Peer')
    const chat = await openPrivateChat(server.url, peer, user)
    const admitted = [await open(server, user), await open(server, user), await open(server, user)]
    const { s: extra, error } = await refusal(server, user)
    assert.ok(error, 'the socket beyond the cap was authenticated')
    assert.equal(error.code, 429)
    assert.match(error.message, /at most 3/)
    assert.equal(error.data?.limit, 3)

    const heard = admitted.map((s) => recordEvents(s.client, 'api/messages', ['created']))
    const extraHeard = recordEvents(extra.client, 'api/messages', ['created'])
    await sendText(server.url, peer, chat.chat_id, 'to the admitted sockets')
    await eventually(() => heard.forEach((events) => assert.equal(events.length, 1)))
    // A call over the refused socket answers after any event the server would have written to it before.
    await extra.client
      .service('api/users/profile' as any)
      .find()
      .catch(() => undefined)
    assert.equal(extraHeard.length, 0, 'the refused socket heard the chat')
    assert.ok(extra.socket.connected, 'refused, not dropped: the client may retry once a slot is free')

    // Another user is not affected.
    await open(server, peer)

    // Closing one socket frees its slot (the server notices the disconnect asynchronously).
    admitted[0].close()
    await eventually(async () => {
      const { error } = await refusal(server, user)
      assert.equal(error, undefined)
    })
    // Re-authenticating over an admitted socket does not take another slot.
    await admitted[1].client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
  })

  it('a logout over a socket frees its slot', async () => {
    const user = await createUser(server.url, 'Capped Leaver')
    const admitted = [await open(server, user), await open(server, user), await open(server, user)]
    assert.ok((await refusal(server, user)).error)
    await admitted[0].client.logout()
    const login = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal((await refusal(server, { ...user, access_token: login.body.access_token })).error, undefined)
  })
})

describe('sockets per user across instances', () => {
  let a: TestServer
  let b: TestServer
  before(async function () {
    if (!testRedis.url) this.skip() // the count is shared through Redis; with CI=true setup failed already
    const redis = { url: testRedis.url, keyPrefix: testKeyPrefix() }
    a = await startServer({ settings: { redis, limits: { maxSocketsPerUser: 2 } } })
    b = await startServer({ settings: { redis, limits: { maxSocketsPerUser: 2 } } })
  })
  after(async () => {
    sockets.splice(0).forEach((s) => s.close())
    await a?.stop()
    await b?.stop()
  })

  it('counts the user’s sockets on every instance', async () => {
    const user = await createUser(a.url, 'Capped Everywhere')
    await open(a, user)
    const onB = await open(b, user)
    const { error } = await refusal(a, user)
    assert.equal(error?.code, 429)
    onB.close()
    await eventually(async () => assert.equal((await refusal(a, user)).error, undefined))
  })
})

describe('new connections per client address', () => {
  let server: TestServer
  before(async () => {
    server = await startServer({ settings: { limits: { connectionsPerIpPerMinute: 3 }, trustProxy: true } })
  })
  after(async () => {
    sockets.splice(0).forEach((s) => s.close())
    await server.stop()
  })

  const connect = (forwardedFor: string) =>
    new Promise<{ connected: boolean; error?: any }>((resolve) => {
      const socket = io(server.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: { 'x-forwarded-for': forwardedFor }
      })
      sockets.push({ socket, client: undefined as any, close: () => socket.close() })
      socket.on('connect', () => resolve({ connected: true }))
      socket.on('connect_error', (error: any) => resolve({ connected: false, error }))
    })

  it('refuses connections beyond the limit per address (TRUST_PROXY: the X-Forwarded-For address)', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await connect('203.0.113.7')).connected, true)
    const refused = await connect('203.0.113.7')
    assert.equal(refused.connected, false)
    assert.match(refused.error.message, /Too many requests/)
    assert.equal(refused.error.data?.code, 429)
    assert.ok(refused.error.data?.data?.retryAfter >= 1)
    assert.equal(
      (await connect('198.51.100.9, 10.0.0.1')).connected,
      true,
      'another address has its own budget'
    )
  })
})

import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../src/client'
import {
  assertNoSecretsSeen,
  createGroup,
  createUser,
  eventually,
  http,
  killSpawnedServers,
  openPrivateChat,
  postMessage,
  recordEvents,
  sendText,
  socketClient,
  spawnServer,
  startRelay,
  startServer,
  type SocketClient,
  type TestServer
} from './helpers'
import { crossInstanceCases, twoInstances } from './helpers/cross-instance'
import { testDatabase, testRedis, testKeyPrefix } from './setup'
import { syncChannels } from '../src/realtime/sync'

describe('several instances on one PostgreSQL and one Redis', function () {
  let a: TestServer
  let b: TestServer
  const keyPrefix = testKeyPrefix()
  // Needs Redis; with CI=true setup already failed if it is missing.
  const { pair, connect } = twoInstances(async () =>
    testRedis.url ? { redis: { url: testRedis.url, keyPrefix } } : undefined
  )
  before(() => ({ a, b } = pair))

  crossInstanceCases(pair, connect)

  it('a REST token that B has already verified stops working on B when its session ends on A', async () => {
    const dave = await createUser(a.url, 'Scale Dave')
    const profileOnB = () => http(b.url, 'GET', '/api/users/profile', { token: dave.access_token })
    assert.equal((await profileOnB()).status, 200)
    assert.equal((await profileOnB()).status, 200) // B now reuses the verified identity

    // A changed name reaches B's remembered identity too.
    await http(a.url, 'PUT', '/api/users/profile', {
      token: dave.access_token,
      body: { name: 'Scale David' }
    })
    await eventually(async () => assert.equal((await profileOnB()).body.name, 'Scale David'))

    const logout = await http(a.url, 'POST', '/api/auth/logout', {
      token: dave.access_token,
      body: { refresh_token: dave.refresh_token }
    })
    assert.ok(logout.status < 300, logout.text)
    await eventually(async () => assert.equal((await profileOnB()).status, 401))
  })

  it('a member removed on A can no longer read or send on B, though B had just proven the membership', async () => {
    const owner = await createUser(a.url, 'Scale Erin')
    const frank = await createUser(a.url, 'Scale Frank')
    const group = await createGroup(a.url, owner, 'Scale removal', [frank])
    const history = () =>
      http(b.url, 'GET', `/api/chats/${group.chat_id}/messages`, { token: frank.access_token })
    assert.equal((await history()).status, 200)
    assert.equal((await history()).status, 200) // B now remembers Frank's membership

    const removal = `/api/groups/${group.group_id}/members/${frank.user_id}`
    const removed = await http(a.url, 'DELETE', removal, { token: owner.access_token })
    assert.ok(removed.status < 300, removed.text)
    await eventually(async () => assert.equal((await history()).status, 404))
    const send = await postMessage(b.url, frank, group.chat_id, { content: 'still here?' })
    assert.equal(send.status, 404)
  })

  it('no token, password hash or email crosses the Redis channel', async () => {
    const spy = new Redis(testRedis.url!)
    const seen: string[] = []
    for (const channel of syncChannels(keyPrefix)) await spy.ssubscribe(channel)
    spy.on('smessage', (_channel, message) => seen.push(message))
    try {
      const user = await createUser(a.url, 'Scale Secret')
      const peer = await createUser(b.url, 'Scale Peer')
      const viaSocket = await connect(a, user.access_token)
      await viaSocket.client.authenticate({ strategy: 'local', email: user.email, password: user.password })
      const refreshed = await http(a.url, 'POST', '/api/auth/refresh', {
        body: { refresh_token: user.refresh_token }
      })
      await http(a.url, 'PUT', '/api/users/profile', {
        token: user.access_token,
        body: { bio: 'synced bio' }
      })
      const chat = await openPrivateChat(a.url, user, peer)
      await sendText(a.url, user, chat.chat_id, 'sync me')
      await http(a.url, 'POST', '/api/auth/logout', { token: refreshed.body.access_token, body: {} })
      await eventually(() => assert.ok(seen.some((m) => m.includes('sync me'))))
      const secrets = [
        user.access_token,
        user.refresh_token,
        refreshed.body.access_token,
        refreshed.body.refresh_token,
        user.email,
        peer.email
      ]
      for (const message of seen) {
        for (const secret of secrets)
          assert.ok(!message.includes(secret), `a secret crossed Redis: ${message}`)
        assert.doesNotMatch(message, /password|\$2[aby]\$|accessToken|authorization/i)
      }
    } finally {
      spy.disconnect()
    }
  })

  after(assertNoSecretsSeen)
})

describe('reconnect resync across instances (a killed instance)', function () {
  this.timeout(90000)
  afterEach(killSpawnedServers) // a failed or timed-out test leaves no instance running

  it('streams messages while the client’s instance is killed; it ends with every message once, in order', async function () {
    if (!testRedis.url || !testDatabase.url) this.skip() // spawned instances need Redis and a PostgreSQL server to share
    const keyPrefix = testKeyPrefix()
    const env = { REDIS_URL: testRedis.url!, REDIS_KEY_PREFIX: keyPrefix }
    const x = await spawnServer(env)
    const y = await spawnServer(env)
    let backend = x.port
    const relay = await startRelay(() => backend) // the load balancer in front of X and Y
    const total = 60
    let reader: SocketClient | undefined
    try {
      const writer = await createUser(y.url, 'Resync Writer')
      const readerUser = await createUser(y.url, 'Resync Reader')
      const chat = await openPrivateChat(y.url, writer, readerUser)
      const route = { chat_id: chat.chat_id }

      // The client recipe: remember the highest seq applied; after every (re)authentication fetch after_seq.
      const socket = io(relay.url, {
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 200
      })
      const client = createClient(socketio(socket))
      reader = { client, socket, close: () => socket.close() }
      const applied: number[] = []
      let lastSeq = 0
      const apply = (message: any) => {
        if (message.chat_id !== route.chat_id || message.seq <= lastSeq) return // already applied: skip
        applied.push(message.seq)
        lastSeq = message.seq
      }
      let catchingUp = Promise.resolve()
      const catchUp = async () => {
        for (;;) {
          const page = await client
            .service('api/chats/:chat_id/messages')
            .find({ route, query: { after_seq: lastSeq } })
          page.data.forEach(apply)
          if (!page.has_more) break
        }
      }
      client.service('api/messages').on('created', (message: any) => {
        // Live events that arrive while catching up are applied in seq order after it.
        catchingUp = catchingUp.then(() => apply(message))
      })
      socket.on('connect', () => {
        if (applied.length > 0 || lastSeq > 0)
          catchingUp = catchingUp.then(() => client.reAuthenticate(true)).then(catchUp)
      })
      await client.authenticate({ strategy: 'jwt', accessToken: readerUser.access_token })
      await catchUp()

      for (let i = 1; i <= total; i++) {
        if (i === total / 2) {
          backend = y.port // the balancer sends new connections to Y from now on
          await x.stop('SIGKILL')
          relay.cut()
        }
        await sendText(y.url, writer, route.chat_id, `m${i}`, { client_id: `c${i}` })
      }
      await eventually(async () => {
        await catchingUp
        assert.equal(applied.length, total)
      }, 20000)
      assert.deepEqual(
        applied,
        Array.from({ length: total }, (_, i) => i + 1)
      )
    } finally {
      reader?.close()
      await relay.close()
      await x.stop('SIGKILL')
      await y.stop()
    }
  })
})

describe('graceful shutdown (SIGTERM)', function () {
  this.timeout(60000)
  afterEach(killSpawnedServers) // a failed or timed-out test leaves no instance running

  it('every message acknowledged before the stop is committed; sockets are told to go elsewhere', async function () {
    if (!testRedis.url || !testDatabase.url) this.skip() // a spawned instance needs a PostgreSQL server to share
    const env = { REDIS_URL: testRedis.url!, REDIS_KEY_PREFIX: testKeyPrefix() }
    const x = await spawnServer(env)
    const y = await spawnServer(env)
    let watcher: SocketClient | undefined
    try {
      const writer = await createUser(y.url, 'Stop Writer')
      const peer = await createUser(y.url, 'Stop Peer')
      const chat = await openPrivateChat(y.url, writer, peer)
      watcher = socketClient(x.url)
      await watcher.client.authenticate({ strategy: 'jwt', accessToken: peer.access_token })
      const disconnected = new Promise<string>((resolve) =>
        watcher!.socket.on('disconnect', (reason) => resolve(reason))
      )

      // Sends in flight on X while it receives SIGTERM: each either succeeds (and is stored) or fails.
      const sends = Array.from({ length: 40 }, (_, i) =>
        postMessage(x.url, writer, chat.chat_id, { content: `stop ${i}` }).catch(() => undefined)
      )
      const exitCode = x.stop('SIGTERM')
      const results = await Promise.all(sends)
      assert.equal(await exitCode, 0, x.output())
      assert.equal(await disconnected, 'io server disconnect', 'the server closed the socket itself')

      const acked = results.filter((r) => r?.status === 201).map((r) => r!.body.message_id)
      const history = await http(y.url, 'GET', `/api/chats/${chat.chat_id}/messages?limit=100`, {
        token: peer.access_token
      })
      const stored = new Set(history.body.data.map((m: any) => m.message_id))
      for (const id of acked) assert.ok(stored.has(id), `acknowledged message ${id} is missing`)
      const seqs = history.body.data.map((m: any) => m.seq).sort((a: number, b: number) => a - b)
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        'no gap in seq'
      )
    } finally {
      watcher?.close()
      await x.stop('SIGKILL')
      await y.stop()
    }
  })
})

describe('presence when an instance crashes', function () {
  this.timeout(60000)
  afterEach(killSpawnedServers) // a failed or timed-out test leaves no instance running

  it('a user whose only instance is killed goes offline by heartbeat expiry, announced by a survivor', async function () {
    if (!testRedis.url || !testDatabase.url) this.skip() // a spawned instance needs a PostgreSQL server to share
    const keyPrefix = testKeyPrefix()
    const presence = { PRESENCE_TTL_MS: '1000', PRESENCE_HEARTBEAT_MS: '200' }
    const x = await spawnServer({ REDIS_URL: testRedis.url!, REDIS_KEY_PREFIX: keyPrefix, ...presence })
    const y = await startServer({
      settings: { redis: { url: testRedis.url, keyPrefix }, presence: { ttlMs: 1000, heartbeatMs: 200 } }
    })
    const sockets: SocketClient[] = []
    try {
      const gone = await createUser(y.url, 'Crash Gone')
      const watcher = await createUser(y.url, 'Crash Watcher')
      await openPrivateChat(y.url, gone, watcher)
      const watching = socketClient(y.url)
      const onX = socketClient(x.url)
      sockets.push(watching, onX)
      await watching.client.authenticate({ strategy: 'jwt', accessToken: watcher.access_token })
      const statuses = recordEvents(watching.client, 'api/users/status', ['user_status'])
      await onX.client.authenticate({ strategy: 'jwt', accessToken: gone.access_token })
      await eventually(() =>
        assert.ok(statuses.some((s) => s.data.user_id === gone.user_id && s.data.status === 'online'))
      )

      await x.stop('SIGKILL') // no goodbye: only the expiring heartbeat tells
      await eventually(
        () => assert.ok(statuses.some((s) => s.data.user_id === gone.user_id && s.data.status === 'offline')),
        15000
      )
      const profile = await http(y.url, 'GET', `/api/users/${gone.user_id}`, { token: watcher.access_token })
      assert.equal(profile.body.status, 'offline')
      assert.ok(profile.body.last_seen)
    } finally {
      sockets.forEach((s) => s.close())
      await x.stop('SIGKILL')
      await y.stop()
    }
  })
})

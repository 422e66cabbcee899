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
import { testDatabase, testRedis, testKeyPrefix } from './setup'

describe('several instances on one PostgreSQL and one Redis', function () {
  let a: TestServer
  let b: TestServer
  const keyPrefix = testKeyPrefix()
  const sockets: SocketClient[] = []
  const connect = async (server: TestServer, accessToken: string) => {
    const s = socketClient(server.url)
    sockets.push(s)
    await s.client.authenticate({ strategy: 'jwt', accessToken })
    return s
  }

  before(async function () {
    if (!testRedis.url) this.skip() // needs Redis; with CI=true setup already failed if it is missing
    a = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
    b = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await a?.stop()
    await b?.stop()
  })

  it('delivers a message sent on B to a member on A, and not to an outsider on either', async () => {
    const ann = await createUser(a.url, 'Scale Ann')
    const bob = await createUser(b.url, 'Scale Bob')
    const eve = await createUser(a.url, 'Scale Eve')
    const annOnA = await connect(a, ann.access_token)
    const eveOnA = await connect(a, eve.access_token)
    const eveOnB = await connect(b, eve.access_token)
    const annChats = recordEvents(annOnA.client, 'api/chats', ['created'])
    const annMessages = recordEvents(annOnA.client, 'api/messages', ['created'])
    const eveOnAEvents = recordEvents(eveOnA.client, 'api/messages', ['created'])
    const eveOnBEvents = recordEvents(eveOnB.client, 'api/messages', ['created'])

    const chat = await openPrivateChat(b.url, bob, ann, { status: [201] })
    await eventually(() => assert.equal(annChats.length, 1))
    assert.equal(annChats[0].data.other_user.user_id, bob.user_id)

    const sent = await sendText(b.url, bob, chat.chat_id, 'across instances')
    await eventually(() => assert.equal(annMessages.length, 1))
    assert.deepEqual(annMessages[0].data, sent)
    assert.equal(annMessages.length, 1, 'delivered once, not once per instance')

    // Barrier: Eve's own chat message, sent after, reaches both her sockets; Bob's would have come first.
    const eveChat = await openPrivateChat(a.url, eve, ann)
    await sendText(a.url, eve, eveChat.chat_id, 'barrier')
    await eventually(() => assert.equal(eveOnAEvents.length + eveOnBEvents.length, 2))
    assert.ok([...eveOnAEvents, ...eveOnBEvents].every((e) => e.data.content === 'barrier'))
  })

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

  it('a membership change on A takes effect at once for the user’s socket on B', async () => {
    const owner = await createUser(a.url, 'Scale Owner')
    const carol = await createUser(a.url, 'Scale Carol')
    const carolOnB = await connect(b, carol.access_token)
    const carolMessages = recordEvents(carolOnB.client, 'api/messages', ['created'])
    const carolMembers = recordEvents(carolOnB.client, 'api/groups/:group_id/members', ['created', 'removed'])

    const group = await http(a.url, 'POST', '/api/groups', {
      token: owner.access_token,
      body: { name: 'Scale group' }
    })
    await http(a.url, 'POST', `/api/groups/${group.body.group_id}/members`, {
      token: owner.access_token,
      body: { user_ids: [carol.user_id] }
    })
    await eventually(() => assert.equal(carolMembers.length, 1))
    await sendText(a.url, owner, group.body.chat_id, 'welcome')
    await eventually(() => assert.equal(carolMessages.length, 1))

    await http(a.url, 'DELETE', `/api/groups/${group.body.group_id}/members/${carol.user_id}`, {
      token: owner.access_token
    })
    await eventually(() => assert.equal(carolMembers.length, 2))
    await sendText(a.url, owner, group.body.chat_id, 'after removal')
    // Barrier: a private message to Carol, sent after the group message, arrives; the group one must not.
    const dm = await openPrivateChat(a.url, owner, carol)
    await sendText(a.url, owner, dm.chat_id, 'dm')
    await eventually(() => assert.equal(carolMessages.length, 2))
    assert.equal(carolMessages[1].data.content, 'dm')
  })

  it('presence: online while a socket is open on any instance, offline after the last one', async () => {
    const dan = await createUser(a.url, 'Scale Dan')
    const fay = await createUser(a.url, 'Scale Fay')
    await openPrivateChat(a.url, dan, fay)
    const fayOnA = await connect(a, fay.access_token)
    const statuses = recordEvents(fayOnA.client, 'api/users/status', ['user_status'])
    const danOnA = await connect(a, dan.access_token)
    await eventually(() => assert.equal(statuses.filter((s) => s.data.user_id === dan.user_id).length, 1))
    const danOnB = await connect(b, dan.access_token)
    danOnA.close()
    danOnB.close()
    await eventually(() => assert.equal(statuses.filter((s) => s.data.user_id === dan.user_id).length, 2))
    const events = statuses.filter((s) => s.data.user_id === dan.user_id).map((s) => s.data.status)
    assert.deepEqual(events, ['online', 'offline'], 'no offline while the B socket was still open')
    const profile = await http(a.url, 'GET', `/api/users/${dan.user_id}`, { token: fay.access_token })
    assert.equal(profile.body.status, 'offline')
    assert.ok(profile.body.last_seen)
  })

  it('no token, password hash or email crosses the Redis channel', async () => {
    const spy = new Redis(testRedis.url!)
    const seen: string[] = []
    await spy.subscribe(`${keyPrefix}events`)
    spy.on('message', (_channel, message) => seen.push(message))
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

// A rolling deploy stops one instance at a time: SIGTERM must close that instance's sockets only. Through the
// Socket.IO Redis adapter, `io.disconnectSockets()` reaches every instance of the deployment.
import assert from 'node:assert/strict'
import {
  createUser,
  eventually,
  killSpawnedServers,
  openPrivateChat,
  recordEvents,
  sendText,
  socketClient,
  spawnServer,
  startServer,
  type SocketClient,
  type SpawnedServer
} from './helpers'
import { testDatabase, testRedis, testKeyPrefix } from './setup'

const socketGauge = async (url: string) => {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^chat_socket_connections (\d+)/m.exec(text)?.[1] ?? NaN)
}

describe('rolling stop (SIGTERM on one of three instances)', function () {
  this.timeout(90000)
  // Whatever happens in the test (a failed assertion, a start that never got healthy, a mocha timeout that
  // abandons the test's own `finally`), no spawned instance outlives it.
  afterEach(killSpawnedServers)

  it('disconnects the stopped instance’s sockets only; the other instances’ sockets stay and keep receiving', async function () {
    if (!testRedis.url || !testDatabase.url) this.skip() // spawned instances need Redis and a PostgreSQL server to share
    const env = { REDIS_URL: testRedis.url!, REDIS_KEY_PREFIX: testKeyPrefix() }
    const servers: SpawnedServer[] = await Promise.all([spawnServer(env), spawnServer(env), spawnServer(env)])
    const [x, y, z] = servers
    const sockets: SocketClient[] = []
    try {
      const writer = await createUser(y.url, 'Rolling Writer')
      const reader = await createUser(y.url, 'Rolling Reader')
      const chat = await openPrivateChat(y.url, writer, reader)
      const perInstance = 3
      const open = async (server: SpawnedServer) => {
        const s = socketClient(server.url)
        sockets.push(s)
        await s.client.authenticate({ strategy: 'jwt', accessToken: reader.access_token })
        return { s, messages: recordEvents(s.client, 'api/messages', ['created']) }
      }
      const onX = await Promise.all(Array.from({ length: perInstance }, () => open(x)))
      const survivors = await Promise.all(
        [y, z].flatMap((server) => Array.from({ length: perInstance }, () => open(server)))
      )
      const dropped = onX.map(
        ({ s }) => new Promise<string>((resolve) => s.socket.on('disconnect', (reason) => resolve(reason)))
      )
      const before = [await socketGauge(y.url), await socketGauge(z.url)]
      assert.deepEqual(before, [perInstance, perInstance])

      assert.equal(await x.stop('SIGTERM'), 0, x.output())
      for (const reason of await Promise.all(dropped)) assert.equal(reason, 'io server disconnect')

      const sent = await sendText(y.url, writer, chat.chat_id, 'after the rolling stop')
      await eventually(() => {
        for (const { messages } of survivors) assert.equal(messages.length, 1)
      })
      for (const { s, messages } of survivors) {
        assert.ok(s.socket.connected, 'a socket of a surviving instance was disconnected')
        assert.equal(messages[0].data.message_id, sent.message_id)
      }
      const after = [await socketGauge(y.url), await socketGauge(z.url)]
      assert.deepEqual(after, before, 'sockets on the surviving instances')
    } finally {
      sockets.forEach((s) => s.close())
      await Promise.all(servers.map((s) => s.stop('SIGKILL')))
    }
  })
})

describe('app teardown with several instances in one deployment', () => {
  it('app.teardown() of one instance leaves the sockets of another instance connected', async function () {
    if (!testRedis.url) this.skip() // the cross-instance disconnect only exists through the Redis adapter
    const keyPrefix = testKeyPrefix()
    const a = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
    const b = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
    const sockets: SocketClient[] = []
    try {
      const user = await createUser(b.url, 'Teardown User')
      const peer = await createUser(b.url, 'Teardown Peer')
      const chat = await openPrivateChat(b.url, peer, user)
      const onA = socketClient(a.url)
      const onB = socketClient(b.url)
      sockets.push(onA, onB)
      for (const s of [onA, onB])
        await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
      const messages = recordEvents(onB.client, 'api/messages', ['created'])
      const dropped = new Promise<string>((resolve) =>
        onA.socket.on('disconnect', (reason) => resolve(reason))
      )

      await a.stop()
      assert.equal(await dropped, 'io server disconnect')
      await sendText(b.url, peer, chat.chat_id, 'after A’s teardown')
      await eventually(() => assert.equal(messages.length, 1))
      assert.ok(onB.socket.connected)
    } finally {
      sockets.forEach((s) => s.close())
      await a.stop()
      await b.stop()
    }
  })
})

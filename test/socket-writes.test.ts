// Events queued for one socket while its previous write is in flight leave in one system call
// (src/realtime/socket-write-batching.ts); every event still arrives, once, in order.
import assert from 'node:assert/strict'
import {
  createGroup,
  createUser,
  eventually,
  recordEvents,
  socketClient,
  startServer,
  type TestServer
} from './helpers'
import * as engine from 'engine.io'
import { batchSocketWrites, corkedSends, socketWritesBatched } from '../src/realtime/socket-write-batching'

describe('socket write batching', () => {
  let server: TestServer
  before(async () => {
    server = await startServer()
  })
  after(() => server.stop())

  it('a committed batch of 20 messages reaches a member in order, in a handful of writes instead of 20', async () => {
    const owner = await createUser(server.url, 'Burst Owner')
    const member = await createUser(server.url, 'Burst Member')
    const { chat_id: chatId } = await createGroup(server.url, owner, 'burst', [member])
    const receiver = socketClient(server.url)
    try {
      await receiver.client.authenticate({ strategy: 'jwt', accessToken: member.access_token })
      const corkedBefore = corkedSends.corked
      const uncorkableBefore = corkedSends.uncorkable
      const received = recordEvents(receiver.client, 'api/messages', ['created'])

      // The receiver's TCP socket on the server: count the system-call-level writes it gets.
      const io = (server.app as any).io
      const [serverSocket] = [...io.sockets.sockets.values()].filter((s: any) => s.id === receiver.socket.id)
      const tcp = serverSocket.conn.transport.socket._socket
      let writes = 0
      for (const method of ['_writev', '_write'] as const) {
        const original = tcp[method].bind(tcp)
        tcp[method] = (...args: unknown[]) => {
          writes++
          return original(...args)
        }
      }

      // Twenty internal sends in one tick: the writer stores the first alone and the other 19 in one batch.
      const ownerUser = await server.app.service('api/users').get(owner.user_id)
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          server.app
            .service('api/messages')
            .create({ content: `burst ${i}` }, { route: { chat_id: chatId }, user: ownerUser })
        )
      )
      await eventually(() => assert.equal(received.length, 20))
      assert.deepEqual(
        received.map((e) => e.data.seq),
        sent.map((m) => m.seq).sort((a, b) => a - b)
      )
      assert.deepEqual(
        received.map((e) => e.data.content),
        sent.map((_, i) => `burst ${i}`)
      )
      // One write for the lone first message, one for the 19 of the second batch (emitted in one tick, flushed
      // together, written corked). One spare for a write that lands between the two. Without batching: 20.
      assert.ok(writes <= 3, `${writes} writes for 20 events`)
      // The batch went through the corking path, and no multi-frame send found ws without its TCP socket.
      assert.ok(corkedSends.corked > corkedBefore)
      assert.equal(corkedSends.uncorkable, uncorkableBefore)
    } finally {
      receiver.close()
    }
  })

  it('the patches are in place once the app is built, and installing again neither wraps twice nor throws', () => {
    assert.equal(socketWritesBatched(), true)
    const engineSocket = engine.Socket.prototype as any
    const flush = engineSocket.flush
    batchSocketWrites()
    assert.equal(engineSocket.flush, flush)
  })

  it('the boot check fails loudly when engine.io no longer has what the patch wraps', () => {
    const proto = engine.Socket.prototype as any
    const flush = proto.flush
    try {
      proto.flush = function replacedByANewEngineVersion() {}
      assert.equal(socketWritesBatched(), false)
      delete proto.flush
      assert.throws(() => batchSocketWrites(), /Socket write batching/)
    } finally {
      proto.flush = flush
    }
    assert.equal(socketWritesBatched(), true)
  })
})

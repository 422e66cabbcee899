// The Socket.IO Redis adapter does not handle its commands' rejections (its psubscribe at start, its
// publishes). Its clients therefore have no command timeout: under load a timed-out psubscribe was an
// unhandled rejection that ended the process (seen as a crashed admin CLI in CI).
import assert from 'node:assert/strict'
import { startServer, type TestServer } from './helpers'

describe('Socket.IO Redis adapter clients', () => {
  let server: TestServer
  before(async () => {
    server = await startServer()
  })
  after(() => server.stop())

  it('wait for Redis instead of timing out commands nobody catches', () => {
    const adapter = (server.app as any).io.of('/').adapter
    assert.ok(adapter.pubClient && adapter.subClient, 'the Redis adapter is in use')
    for (const client of [adapter.pubClient, adapter.subClient]) {
      assert.equal(client.options.commandTimeout, undefined)
      assert.equal(client.options.enableOfflineQueue, true)
    }
    // The shared client keeps its timeout: callers of it fall back when Redis hangs.
    assert.equal((server.app.get('redisClient') as any).options.commandTimeout, 1000)
  })
})

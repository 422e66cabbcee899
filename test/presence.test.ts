// Presence writes (src/realtime/presence.ts): status changes requested in one tick are stored in one batch,
// announced once per user, and a failure after the write never becomes an unhandled rejection.
import assert from 'node:assert/strict'
import type { RealTimeConnection } from '@feathersjs/feathers'
import { createUser, openPrivateChat, startServer, type TestServer, type TestUser } from './helpers'

describe('presence: batched status writes', () => {
  let server: TestServer
  let users: TestUser[]
  let watcher: TestUser

  before(async () => {
    server = await startServer()
    watcher = await createUser(server.url, 'Presence Watcher')
    users = await Promise.all(Array.from({ length: 12 }, (_, i) => createUser(server.url, `Presence ${i}`)))
    for (const u of users) await openPrivateChat(server.url, u, watcher)
  })
  after(() => server?.stop())

  const statusOf = async (userIds: string[]) =>
    (
      await server.app
        .get('postgresqlClient')('users')
        .whereIn('user_id', userIds)
        .select('user_id', 'status')
    )
      .map((row: { status: string }) => row.status)
      .sort()

  const fakeConnection = () => ({}) as RealTimeConnection

  it('twelve users connecting in one tick are stored in one batch and each announced once', async () => {
    const presence = server.app.get('presenceTracker')
    const heard: string[] = []
    const listener = (status: { user_id: string; status: string }) =>
      heard.push(`${status.user_id} ${status.status}`)
    server.app.service('api/users/status').on('user_status', listener)
    try {
      const before = presence.statusBatches
      const connections = users.map(fakeConnection)
      await Promise.all(users.map((u, i) => presence.connected(u.user_id, connections[i])))
      assert.equal(presence.statusBatches - before, 1, 'one batch for the tick')
      assert.deepEqual(await statusOf(users.map((u) => u.user_id)), Array(12).fill('online'))
      assert.deepEqual(heard.sort(), users.map((u) => `${u.user_id} online`).sort())

      heard.length = 0
      const middle = presence.statusBatches
      await Promise.all(users.map((u, i) => presence.disconnected(u.user_id, connections[i])))
      assert.equal(presence.statusBatches - middle, 1)
      assert.deepEqual(await statusOf(users.map((u) => u.user_id)), Array(12).fill('offline'))
      assert.deepEqual(heard.sort(), users.map((u) => `${u.user_id} offline`).sort())
      const seen = await server.app
        .get('postgresqlClient')('users')
        .whereIn(
          'user_id',
          users.map((u) => u.user_id)
        )
        .whereNull('last_seen')
      assert.equal(seen.length, 0, 'offline sets last_seen')
    } finally {
      server.app.service('api/users/status').removeListener('user_status', listener)
    }
  })

  it('online then offline requested back to back stores offline (the later request wins)', async () => {
    const presence = server.app.get('presenceTracker')
    const [u] = users
    const connection = fakeConnection()
    const connected = presence.connected(u.user_id, connection)
    const disconnected = presence.disconnected(u.user_id, connection)
    await Promise.all([connected, disconnected])
    assert.deepEqual(await statusOf([u.user_id]), ['offline'])
  })

  it('a chat-list refresh that fails after the write is logged: the status is still announced, nothing rejects', async () => {
    const presence = server.app.get('presenceTracker')
    const lists = server.app.get('chatLists')
    const original = lists.contactsChanged
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const heard: string[] = []
    const listener = (status: { user_id: string; status: string }) => heard.push(status.status)
    server.app.service('api/users/status').on('user_status', listener)
    lists.contactsChanged = async () => {
      throw new Error('pool exhausted (test)')
    }
    try {
      const connection = fakeConnection()
      await presence.connected(users[1].user_id, connection)
      await presence.disconnected(users[1].user_id, connection)
      await new Promise((resolve) => setTimeout(resolve, 50)) // let a stray rejection surface
      assert.deepEqual(heard, ['online', 'offline'])
      assert.deepEqual(unhandled, [])
    } finally {
      lists.contactsChanged = original
      process.removeListener('unhandledRejection', onUnhandled)
      server.app.service('api/users/status').removeListener('user_status', listener)
    }
  })
})

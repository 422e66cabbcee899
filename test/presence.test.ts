// Presence writes (src/realtime/presence.ts): status changes requested in one tick are stored in one batch,
// announced once per user, and a failure after the write never becomes an unhandled rejection.
import assert from 'node:assert/strict'
import type { RealTimeConnection } from '@feathersjs/feathers'
import {
  callAs,
  createGroup,
  createUser,
  eventually,
  liveSocket,
  openPrivateChat,
  recordEvents,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

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

  // The status writer itself (what connected/disconnected call once Redis has answered): requests made in one
  // tick are one batch. Called directly, so Redis replies arriving in separate reads cannot split the tick.
  const setStatus = (userId: string, status: 'online' | 'offline'): Promise<void> =>
    (server.app.get('presenceTracker') as any).setStatus(userId, status)

  it('twelve status changes requested in one tick are stored in one batch and each announced once', async () => {
    const presence = server.app.get('presenceTracker')
    const heard: string[] = []
    const listener = (status: { user_id: string; status: string }) =>
      heard.push(`${status.user_id} ${status.status}`)
    server.app.service('api/users/status').on('user_status', listener)
    try {
      const before = presence.statusBatches
      await Promise.all(users.map((u) => setStatus(u.user_id, 'online')))
      assert.equal(presence.statusBatches - before, 1, 'one batch for the tick')
      assert.deepEqual(await statusOf(users.map((u) => u.user_id)), Array(12).fill('online'))
      assert.deepEqual(heard.sort(), users.map((u) => `${u.user_id} online`).sort())

      heard.length = 0
      const middle = presence.statusBatches
      await Promise.all(users.map((u) => setStatus(u.user_id, 'offline')))
      assert.equal(presence.statusBatches - middle, 1)
      assert.deepEqual(await statusOf(users.map((u) => u.user_id)), Array(12).fill('offline'))
      assert.deepEqual(heard.sort(), users.map((u) => `${u.user_id} offline`).sort())
      const unseen = await server.app
        .get('postgresqlClient')('users')
        .whereIn(
          'user_id',
          users.map((u) => u.user_id)
        )
        .whereNull('last_seen')
      assert.equal(unseen.length, 0, 'offline sets last_seen')
    } finally {
      server.app.service('api/users/status').removeListener('user_status', listener)
    }
  })

  it('online then offline requested in the same tick stores offline (the later request wins)', async () => {
    const [u] = users
    await Promise.all([setStatus(u.user_id, 'online'), setStatus(u.user_id, 'offline')])
    assert.deepEqual(await statusOf([u.user_id]), ['offline'])
  })

  it('connecting and disconnecting through the tracker sets online, then offline', async () => {
    const presence = server.app.get('presenceTracker')
    const connection = fakeConnection()
    await presence.connected(users[2].user_id, connection)
    assert.deepEqual(await statusOf([users[2].user_id]), ['online'])
    await presence.disconnected(users[2].user_id, connection)
    assert.deepEqual(await statusOf([users[2].user_id]), ['offline'])
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

  describe('routing through the chats a live connection joined', () => {
    const opened: SocketClient[] = []
    after(() => opened.forEach((s) => s.close()))

    it('a group joined after connecting carries my status to its members; an outsider hears nothing', async () => {
      const [me, member, outsider] = await Promise.all([
        createUser(server.url, 'Route Me'),
        createUser(server.url, 'Route Member'),
        createUser(server.url, 'Route Outsider')
      ])
      const mine = await liveSocket(server.url, me, opened)
      const memberSocket = await liveSocket(server.url, member, opened)
      const outsiderSocket = await liveSocket(server.url, outsider, opened)
      const memberHeard = recordEvents(memberSocket.client, 'api/users/status', ['user_status'])
      const outsiderHeard = recordEvents(outsiderSocket.client, 'api/users/status', ['user_status'])
      const mineHeard = recordEvents(mine.client, 'api/users/status', ['user_status'])
      // The group is made after my socket joined its chats: the membership event adds its channel.
      await createGroup(server.url, member, 'Routed', [me])
      const away = await callAs(server.url, me, 'PUT', '/api/users/status', { status: 'away' })
      assert.equal(away.status, 200)
      const mineAway = (e: { data: { user_id: string; status: string } }) =>
        e.data.user_id === me.user_id && e.data.status === 'away'
      await eventually(() => assert.ok(memberHeard.some(mineAway), 'the new group member hears it'))
      // Barrier for the outsider: its own status change reaches its own socket after mine was published.
      await callAs(server.url, outsider, 'PUT', '/api/users/status', { status: 'dnd' })
      await eventually(() => assert.ok(outsiderHeard.some((e) => e.data.user_id === outsider.user_id)))
      assert.equal(outsiderHeard.filter(mineAway).length, 0, 'the outsider must not hear my status')
      await eventually(() => assert.ok(mineHeard.some(mineAway), 'my own connection hears it'))
    })
  })
})

// The cross-instance cases every Redis topology must pass (single Redis in scale-out.test.ts, Cluster and
// Sentinel in redis-topologies.test.ts): two instances A and B of one deployment; each case has a user who
// must not hear the event.
import assert from 'node:assert/strict'
import type { CreateAppOptions } from '../../src/app'
import { createUser, startServer, type TestServer } from '../helpers'
import { http } from './http'
import { openPrivateChat, sendText } from './chats'
import { recordEvents, socketClient, type SocketClient } from './sockets'
import { eventually } from './wait'

export type Connect = (server: TestServer, accessToken: string) => Promise<SocketClient>

type Settings = CreateAppOptions['settings']

/**
 * Two instances A and B started in a `before` hook with the settings `settings()` answers (one for both, or
 * A's and B's; undefined: the suite is skipped), stopped in `after` with the sockets opened through `connect`.
 */
export const twoInstances = (settings: () => Promise<Settings | [Settings, Settings] | undefined>) => {
  const pair = {} as { a: TestServer; b: TestServer }
  const sockets: SocketClient[] = []
  const connect: Connect = async (server, accessToken) => {
    const s = socketClient(server.url)
    sockets.push(s)
    await s.client.authenticate({ strategy: 'jwt', accessToken })
    return s
  }
  before(async function () {
    const chosen = await settings()
    if (!chosen) return this.skip()
    const [forA, forB] = Array.isArray(chosen) ? chosen : [chosen, chosen]
    pair.a = await startServer({ settings: forA })
    pair.b = await startServer({ settings: forB })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await pair.a?.stop()
    await pair.b?.stop()
  })
  return { pair, connect }
}

export const crossInstanceCases = (pair: { a: TestServer; b: TestServer }, connect: Connect) => {
  let a: TestServer
  let b: TestServer
  beforeEach(() => ({ a, b } = pair))

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

  it('a ban made on A closes the user’s socket on B after `banned`; a peer on B hears nothing of it', async () => {
    const user = await createUser(a.url, 'Scale Banned')
    const peer = await createUser(a.url, 'Scale Bystander')
    await openPrivateChat(a.url, user, peer)
    const onB = await connect(b, user.access_token)
    const peerOnB = await connect(b, peer.access_token)
    const heard = recordEvents(onB.client, 'api/users', ['banned'])
    const peerHeard = recordEvents(peerOnB.client, 'api/users', ['banned'])
    const dropped = new Promise<string>((resolve) => onB.socket.on('disconnect', resolve))

    await a.app.service('api/users').patch(user.user_id, { banned_at: new Date().toISOString() })
    assert.equal(await dropped, 'io server disconnect')
    assert.equal(heard.length, 1, 'told why before the socket closed')
    const login = await http(b.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal(login.status, 401)
    assert.equal(peerHeard.length, 0)
    assert.equal(peerOnB.socket.connected, true)
  })
}

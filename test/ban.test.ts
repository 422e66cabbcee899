import assert from 'node:assert/strict'
import type { HookContext } from '../src/declarations'
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

describe('bans', () => {
  let a: TestServer
  let b: TestServer
  const sockets: SocketClient[] = []

  before(async () => {
    const redis = testRedis.url ? { url: testRedis.url, keyPrefix: testKeyPrefix() } : undefined
    a = await startServer({ settings: redis ? { redis } : {} })
    b = redis ? await startServer({ settings: { redis } }) : a
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await a.stop()
    await b.stop()
  })

  it('a ban (an internal patch, as the CLI does) refuses login, refresh and tokens and drops live sockets everywhere', async () => {
    const user = await createUser(a.url, 'Banned Bea')
    const peer = await createUser(a.url, 'Banned Peer')
    const chat = await openPrivateChat(a.url, user, peer)
    const sent = await sendText(a.url, user, chat.chat_id, 'before the ban')
    const onB = socketClient(b.url)
    sockets.push(onB)
    await onB.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const dropped = new Promise<string>((resolve) => onB.socket.on('disconnect', (reason) => resolve(reason)))

    await a.app.service('api/users').patch(user.user_id, { banned_at: new Date().toISOString() })

    assert.equal(await dropped, 'io server disconnect')
    assert.equal((await http(a.url, 'GET', '/api/users/profile', { token: user.access_token })).status, 401)
    const login = await http(b.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal(login.status, 401)
    assert.match(login.body.message, /banned/)
    assert.equal(
      (await http(a.url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } }))
        .status,
      401
    )
    const history = await http(a.url, 'GET', `/api/chats/${chat.chat_id}/messages`, {
      token: peer.access_token
    })
    assert.ok(
      history.body.data.some((m: any) => m.message_id === sent.message_id),
      'their messages stay'
    )

    await a.app.service('api/users').patch(user.user_id, { banned_at: null })
    const again = await http(a.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal(again.status, 200, 'unbanned users can log in again')
  })

  it('a ban closes the user’s sockets on the instance where it is made too', async () => {
    const user = await createUser(a.url, 'Banned Local')
    const onA = socketClient(a.url)
    sockets.push(onA)
    await onA.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const dropped = new Promise<string>((resolve) => onA.socket.on('disconnect', (reason) => resolve(reason)))
    await a.app.service('api/users').patch(user.user_id, { banned_at: new Date().toISOString() })
    assert.equal(await dropped, 'io server disconnect')
  })

  /** An authenticated socket of `user` whose `banned` events and disconnect are logged in arrival order. */
  const watched = async (server: TestServer, user: TestUser) => {
    const s = socketClient(server.url)
    sockets.push(s)
    await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const log: string[] = []
    ;(s.client.service('api/users') as any).on('banned', (event: any) => log.push(`banned ${event.user_id}`))
    const closed = new Promise<void>((resolve) =>
      s.socket.on('disconnect', (reason) => {
        log.push(`disconnect ${reason}`)
        resolve()
      })
    )
    return { ...s, log, closed }
  }

  const unavailable = (reason: string) => (error: any) => {
    assert.equal(error.code, 503, JSON.stringify(error))
    assert.equal(error.data?.reason, reason)
    return true
  }

  it('the banned user’s sockets on both instances hear `banned` first, then their calls in flight and after fail; nobody else hears it', async function () {
    this.timeout(60_000) // far above what it takes: a hang fails on the assertions' promises, not on time
    const user = await createUser(a.url, 'Banned Told')
    const peer = await createUser(a.url, 'Banned Told Peer')
    const chat = await openPrivateChat(a.url, user, peer)
    const banned = [await watched(a, user), await watched(b, user)]
    const peers = [await watched(a, peer), await watched(b, peer)]
    const peerMessages = peers.map((p) => recordEvents(p.client, 'api/messages', ['created']))

    // One call of the user per instance is held inside the server until after the ban: it is in flight when
    // the socket closes, and the server cannot have answered it.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const entered: Array<() => void> = []
    const inside = [a, b].map(() => new Promise<void>((resolve) => entered.push(resolve)))
    for (const [i, server] of [a, b].entries()) {
      server.app.service('api/users/profile').hooks({
        before: {
          find: [
            async (context: HookContext) => {
              if (context.params.user?.user_id !== user.user_id || !context.params.provider) return
              entered[i]()
              await gate
            }
          ]
        }
      })
    }
    try {
      // Settled into a value as soon as they settle (an answer, or the error it rejects with).
      const inFlight = banned.map((s) =>
        s.client
          .service('api/users/profile')
          .find()
          .then(
            (answer) => ({ answer }),
            (error) => ({ error })
          )
      )
      await Promise.all(a === b ? [inside[0]] : inside)

      await a.app.service('api/users').patch(user.user_id, { banned_at: new Date().toISOString() })
      await Promise.all(banned.map((s) => s.closed))
      for (const s of banned)
        assert.deepEqual(s.log, [`banned ${user.user_id}`, 'disconnect io server disconnect'])

      for (const call of inFlight) {
        const outcome: any = await call
        assert.ok(outcome.error, `a call in flight was answered: ${JSON.stringify(outcome)}`)
        unavailable('io server disconnect')(outcome.error)
      }
      for (const s of banned) {
        await assert.rejects(s.client.service('api/chats').find(), unavailable('io server disconnect'))
        await assert.rejects(
          s.client
            .service('api/chats/:chat_id/messages')
            .create({ content: 'after my ban' }, { route: { chat_id: chat.chat_id } }),
          unavailable('io server disconnect')
        )
        await assert.rejects(
          s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token }),
          unavailable('io server disconnect')
        )
      }
    } finally {
      release()
    }

    // A later event reaches the other user's sockets through the same path: a `banned` sent to them would have
    // arrived before it.
    const after = await sendText(a.url, peer, chat.chat_id, 'after the ban')
    await eventually(() => {
      for (const heard of peerMessages) assert.ok(heard.some((e) => e.data.message_id === after.message_id))
    })
    for (const p of peers) assert.deepEqual(p.log, [], 'the other user heard nothing of the ban')
    assert.ok(peers.every((p) => p.socket.connected))
  })

  it('the ban is heard even when its ended sessions are announced in the same tick (as they arrive from another instance)', async () => {
    const user = await createUser(a.url, 'Banned Same Tick')
    const onA = await watched(a, user)
    const onB = await watched(b, user)
    const sid = JSON.parse(Buffer.from(user.access_token.split('.')[1], 'base64url').toString()).sid
    // No await between the two: the revocation detaches the connections before the publish resolves.
    a.app.service('api/users').emit('banned', { user_id: user.user_id })
    a.app.service('api/auth/logout').emit('ended', { session_id: sid })
    await Promise.all([onA.closed, onB.closed])
    for (const s of [onA, onB])
      assert.deepEqual(s.log, [`banned ${user.user_id}`, 'disconnect io server disconnect'])
  })
})

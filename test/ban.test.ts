import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  createUser,
  http,
  openPrivateChat,
  sendText,
  socketClient,
  startServer,
  type SocketClient,
  type TestServer
} from './helpers'
import { testRedis } from './setup'

describe('bans', () => {
  let a: TestServer
  let b: TestServer
  const sockets: SocketClient[] = []

  before(async () => {
    const redis = testRedis.url ? { url: testRedis.url, keyPrefix: `test:${randomUUID()}:` } : undefined
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
})

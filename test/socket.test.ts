import assert from 'node:assert/strict'
import {
  assertNoSecretsSeen,
  createUser,
  eventually,
  http,
  recordEvents,
  socketClient,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

describe('Feathers client over Socket.IO', () => {
  let server: TestServer
  let ann: TestUser
  let bob: TestUser
  const sockets: SocketClient[] = []
  const open = () => {
    const s = socketClient(server.url)
    sockets.push(s)
    return s
  }

  before(async () => {
    server = await startServer()
    ann = await createUser(server.url, 'Socket Ann')
    bob = await createUser(server.url, 'Socket Bob')
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  it('authenticates with the local strategy and calls services with the same hooks', async () => {
    const { client } = open()
    const result = await client.authenticate({ strategy: 'local', email: ann.email, password: ann.password })
    assert.equal(result.user.user_id, ann.user_id)
    assert.equal(result.user.email, ann.email)
    assert.equal(result.user.password_hash, undefined)
    assert.equal(typeof result.accessToken, 'string')
    assert.equal(typeof result.refreshToken, 'string', 'a Feathers-client login gets a refresh token too')
    const profile = await client.service('api/users/profile').find()
    assert.equal(profile.user_id, ann.user_id)
    await assert.rejects(client.service('api/users/profile').patch(null, { email: 'x@y.z' } as any), {
      name: 'BadRequest'
    })
  })

  it('authenticates with the jwt strategy and re-authenticates', async () => {
    const { client } = open()
    const result = await client.authenticate({ strategy: 'jwt', accessToken: ann.access_token })
    assert.equal(result.user.user_id, ann.user_id)
    const again = await client.reAuthenticate(true)
    assert.equal(again.user.user_id, ann.user_id)
    const other = await client.service('api/users').get(bob.user_id)
    assert.equal(other.email, undefined)
  })

  it('refuses unauthenticated calls and bad credentials', async () => {
    const { client } = open()
    await assert.rejects(client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
    await assert.rejects(
      client.authenticate({ strategy: 'local', email: ann.email, password: 'wrong-password' }),
      {
        name: 'NotAuthenticated'
      }
    )
    await assert.rejects(client.authenticate({ strategy: 'jwt', accessToken: 'garbage' }), {
      name: 'NotAuthenticated'
    })
  })

  it('the seed login route over a socket authenticates that socket', async () => {
    const { client } = open()
    const pair = await client.service('api/auth/login').create({ email: bob.email, password: bob.password })
    assert.equal(pair.user.user_id, bob.user_id)
    const profile = await client.service('api/users/profile').find()
    assert.equal(profile.user_id, bob.user_id)
  })

  it('pushes profile changes to the user’s own sockets only', async () => {
    const annSocket = open()
    const bobSocket = open()
    await annSocket.client.authenticate({ strategy: 'jwt', accessToken: ann.access_token })
    await bobSocket.client.authenticate({ strategy: 'jwt', accessToken: bob.access_token })
    const annEvents = recordEvents(annSocket.client, 'api/users', ['patched'])
    const bobEvents = recordEvents(bobSocket.client, 'api/users', ['patched'])

    await http(server.url, 'PUT', '/api/users/profile', {
      token: ann.access_token,
      body: { bio: 'ann changed' }
    })
    // Bob's own change is the barrier: once his event has arrived, Ann's would have arrived before it.
    await http(server.url, 'PUT', '/api/users/profile', {
      token: bob.access_token,
      body: { bio: 'bob changed' }
    })
    await eventually(() => assert.equal(bobEvents.length, 1))
    await eventually(() => assert.equal(annEvents.length, 1))
    assert.equal(annEvents[0].data.bio, 'ann changed')
    assert.equal(bobEvents[0].data.user_id, bob.user_id, 'Bob never hears about Ann')
  })

  it('logout over REST detaches that session’s sockets, and only that session’s', async () => {
    const user = await createUser(server.url, 'Socket Carol')
    const second = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    const first = open()
    const other = open()
    await first.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    await other.client.authenticate({ strategy: 'jwt', accessToken: second.body.access_token })
    const firstEvents = recordEvents(first.client, 'api/users', ['patched'])
    const otherEvents = recordEvents(other.client, 'api/users', ['patched'])

    const res = await http(server.url, 'POST', '/api/auth/logout', { token: user.access_token, body: {} })
    assert.equal(res.status, 200)
    await http(server.url, 'PUT', '/api/users/profile', {
      token: second.body.access_token,
      body: { bio: 'after logout' }
    })
    await eventually(() => assert.equal(otherEvents.length, 1))
    assert.equal(firstEvents.length, 0, 'the logged-out session’s socket heard an event')
    await assert.rejects(first.client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
    // A new socket with the ended session's token (which the server had verified) is refused too.
    const late = open()
    await assert.rejects(late.client.authenticate({ strategy: 'jwt', accessToken: user.access_token }), {
      name: 'NotAuthenticated'
    })
  })

  it('sockets of one login share its verified identity: the second one costs no user or session lookup', async () => {
    const user = await createUser(server.url, 'Socket Twin')
    const one = open()
    await one.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const db = server.app.get('postgresqlClient')
    const statements: string[] = []
    const listener = (query: { sql: string }) => statements.push(query.sql)
    db.on('query', listener)
    try {
      const two = open()
      const auth = await two.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
      assert.equal(auth.user.user_id, user.user_id)
    } finally {
      db.off('query', listener)
    }
    assert.ok(
      !statements.some((sql) => /from "users"|from "refresh_tokens"/.test(sql)),
      statements.join('\n')
    )
  })

  it('a replayed refresh token ends the session for its live socket too, at once', async () => {
    const user = await createUser(server.url, 'Socket Replay')
    const { client } = open()
    await client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    assert.equal((await client.service('api/users/profile').find()).user_id, user.user_id)
    await http(server.url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } })
    await http(server.url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } }) // replay
    await assert.rejects(client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
  })

  it('a renamed user’s next message over the same socket carries the new name', async () => {
    const user = await createUser(server.url, 'Socket Before')
    const peer = await createUser(server.url, 'Socket Peer')
    const { client } = open()
    await client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const chat = await client.service('api/chats/private').create({ user_id: peer.user_id })
    const route = { chat_id: chat.chat_id }
    const first = await client.service('api/chats/:chat_id/messages').create({ content: 'one' }, { route })
    assert.equal(first.sender_name, 'Socket Before')
    await client.service('api/users/profile').patch(null, { name: 'Socket After' })
    const second = await client.service('api/chats/:chat_id/messages').create({ content: 'two' }, { route })
    assert.equal(second.sender_name, 'Socket After')
  })

  // The typed client does not let this compile; a plain one (or `any`) does.
  it('a socket call to a nested service without params.route is a 400 naming the route parameter', async () => {
    const user = await createUser(server.url, 'Socket Routeless')
    const { client } = open()
    await client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['chat_id', () => (client.service('api/chats/:chat_id/messages') as any).find()],
      ['chat_id', () => (client.service('api/chats/:chat_id/mark-read') as any).update(null, {})],
      [
        'group_id',
        () => (client.service('api/groups/:group_id/members') as any).create({ user_id: user.user_id })
      ],
      [
        'message_id',
        () => (client.service('api/messages/:message_id/reactions') as any).create({ emoji: '👍' })
      ]
    ]
    for (const [name, call] of cases) {
      await assert.rejects(call, (error: any) => {
        assert.equal(error.code, 400, `${name}: ${error.message}`)
        assert.match(error.message, new RegExp(`${name} is required`))
        return true
      })
    }
  })

  it('client.logout() ends the session on the server', async () => {
    const user = await createUser(server.url, 'Socket Dan')
    const { client } = open()
    const auth = await client.authenticate({ strategy: 'local', email: user.email, password: user.password })
    await client.logout()
    const res = await http(server.url, 'GET', '/api/users/profile', { token: auth.accessToken })
    assert.equal(res.status, 401)
  })

  after(assertNoSecretsSeen)
})

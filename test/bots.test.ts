// Bots (SPEC §15): made and owned by a user, acting as a user with an API token (REST Bearer and Socket.IO),
// never logging in with a password; rotating or deleting ends the old token at once, on every instance.
import assert from 'node:assert/strict'
import { hashPassword } from '../src/auth/passwords'
import {
  assertNoSecretsSeen,
  createGroup,
  createUser,
  eventually,
  http,
  openPrivateChat,
  postMessage,
  recordEvents,
  sendText,
  socketClient,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'
import { testDatabase, testRedis, testKeyPrefix } from './setup'
import { cliJson, runCli } from './cli-helpers'

interface TestBot {
  user_id: string
  access_token: string
  bot: any
}

const makeBot = async (url: string, owner: TestUser, name = 'Helper Bot'): Promise<TestBot> => {
  const res = await http(url, 'POST', '/api/bots', { token: owner.access_token, body: { name } })
  assert.equal(res.status, 201, res.text)
  return { user_id: res.body.bot.user_id, access_token: res.body.token, bot: res.body.bot }
}

/** A Feathers client over Socket.IO authenticated with a bot token (the JWT strategy, as documented). */
const botSocket = async (url: string, token: string, opened: SocketClient[]) => {
  const s = socketClient(url)
  opened.push(s)
  await s.client.authenticate({ strategy: 'jwt', accessToken: token })
  return s
}

describe('bots', () => {
  let server: TestServer
  let url: string
  let owner: TestUser
  let other: TestUser
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer({ settings: { bots: { maxPerOwner: 3 } } })
    url = server.url
    owner = await createUser(url, 'Bot Owner')
    other = await createUser(url, 'Bot Outsider')
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  it('POST /api/bots makes a bot owned by me: the public user shape with is_bot, no email, a token shown once', async () => {
    const res = await http(url, 'POST', '/api/bots', {
      token: owner.access_token,
      body: { name: '  Deploy Bot ' }
    })
    assert.equal(res.status, 201, res.text)
    assert.match(res.body.token, /^fcb_[A-Za-z0-9_-]{43}$/)
    const { bot } = res.body
    assert.equal(bot.is_bot, true)
    assert.equal(bot.name, 'Deploy Bot')
    assert.equal(bot.email, undefined)
    assert.equal(bot.bot_owner_id, undefined)
    assert.equal(bot.password_hash, undefined)
    // Stored hashed: the token itself is nowhere in the database.
    const stored = await server.app
      .get('postgresqlClient')('bot_tokens')
      .where({ bot_id: bot.user_id })
      .first()
    assert.notEqual(stored.token_hash, res.body.token)
    assert.ok(!JSON.stringify(stored).includes(res.body.token))

    const mine = await http(url, 'GET', '/api/bots', { token: owner.access_token })
    assert.equal(mine.status, 200)
    assert.deepEqual(Object.keys(mine.body).sort(), ['data', 'has_more', 'limit', 'skip'])
    const listed = mine.body.data.find((b: any) => b.user_id === bot.user_id)
    assert.deepEqual(listed, bot, 'the list shows the same shape, without the token')
    assert.equal(JSON.stringify(mine.body).includes(res.body.token), false)

    const theirs = await http(url, 'GET', '/api/bots', { token: other.access_token })
    assert.deepEqual(theirs.body.data, [])
  })

  it('refuses bad input with a 400 naming the field, and anonymous callers with 401', async () => {
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'Bot', extra: 1 }]) {
      const res = await http(url, 'POST', '/api/bots', { token: owner.access_token, body })
      assert.equal(res.status, 400, JSON.stringify(body))
    }
    const missing = await http(url, 'POST', '/api/bots', { token: owner.access_token, body: {} })
    assert.match(missing.text, /name/)
    assert.equal((await http(url, 'POST', '/api/bots', { body: { name: 'Anon' } })).status, 401)
    assert.equal((await http(url, 'GET', '/api/bots')).status, 401)
  })

  it("another user's bot is 404 for delete and rotate, and a person is not a bot", async () => {
    const bot = await makeBot(url, owner, 'Private Bot')
    const del = await http(url, 'DELETE', `/api/bots/${bot.user_id}`, { token: other.access_token })
    assert.equal(del.status, 404)
    const rotate = await http(url, 'POST', `/api/bots/${bot.user_id}/token`, { token: other.access_token })
    assert.equal(rotate.status, 404)
    const person = await http(url, 'POST', `/api/bots/${other.user_id}/token`, { token: owner.access_token })
    assert.equal(person.status, 404)
    // The bot still works.
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 200)
  })

  it('a bot acts as itself with its token on REST; it sees no email, and cannot manage bots', async () => {
    const bot = await makeBot(url, owner, 'Self Bot')
    const me = await http(url, 'GET', '/api/users/profile', { token: bot.access_token })
    assert.equal(me.status, 200, me.text)
    assert.equal(me.body.user_id, bot.user_id)
    assert.equal(me.body.is_bot, true)
    assert.equal(me.body.email, undefined, "a bot's synthetic address is never shown")
    const create = await http(url, 'POST', '/api/bots', { token: bot.access_token, body: { name: 'Child' } })
    assert.equal(create.status, 403)
    assert.equal((await http(url, 'GET', '/api/bots', { token: bot.access_token })).status, 403)
    // A made-up bot token is a 401.
    const forged = await http(url, 'GET', '/api/users/profile', { token: `fcb_${'A'.repeat(43)}` })
    assert.equal(forged.status, 401)
  })

  it("a bot's logout does not end its token (the owner rotates or deletes): REST 403, socket logout only detaches", async () => {
    const owner = await createUser(url, 'Logout Owner')
    const bot = await makeBot(url, owner, 'Logout Bot')
    const res = await http(url, 'POST', '/api/auth/logout', { token: bot.access_token, body: {} })
    assert.equal(res.status, 403)
    const s = await botSocket(url, bot.access_token, sockets)
    await s.client.logout()
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 200)
    // No refresh: a bot has no refresh token, and its token is not one.
    const refresh = await http(url, 'POST', '/api/auth/refresh', {
      body: { refresh_token: bot.access_token }
    })
    assert.equal(refresh.status, 401)
  })

  it("banning the owner ends their bots' tokens too (REST 401, socket detached)", async () => {
    const owner = await createUser(url, 'Banned Owner')
    const bot = await makeBot(url, owner, 'Orphan Bot')
    const chat = await openPrivateChat(url, other, bot.user_id)
    const s = await botSocket(url, bot.access_token, sockets)
    const heard = recordEvents(s.client, 'api/messages', ['created'])
    await server.app.service('api/users').patch(owner.user_id, { banned_at: new Date().toISOString() })
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 401)
    await sendText(url, other, chat.chat_id, 'anyone there?')
    const barrier = await botSocket(url, other.access_token, sockets)
    const barrierHeard = recordEvents(barrier.client, 'api/messages', ['created'])
    await sendText(url, other, chat.chat_id, 'barrier')
    await eventually(() => assert.equal(barrierHeard.length, 1))
    assert.equal(heard.length, 0)
  })

  it('the typed Feathers client manages bots over Socket.IO: create, find, rotate, remove', async () => {
    const owner = await createUser(url, 'Typed Owner')
    const s = await botSocket(url, owner.access_token, sockets)
    const made = await s.client.service('api/bots').create({ name: 'Typed Bot' })
    assert.equal(made.bot.is_bot, true)
    assert.match(made.token, /^fcb_/)
    const page = await s.client.service('api/bots').find()
    assert.deepEqual(
      page.data.map((b) => b.user_id),
      [made.bot.user_id]
    )
    const rotated = await s.client
      .service('api/bots/:bot_id/token')
      .create({}, { route: { bot_id: made.bot.user_id } })
    assert.notEqual(rotated.token, made.token)
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: made.token })).status, 401)
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: rotated.token })).status, 200)
    const removed = await s.client.service('api/bots').remove(made.bot.user_id)
    assert.equal(removed.user_id, made.bot.user_id)
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: rotated.token })).status, 401)
    await assert.rejects(s.client.service('api/bots').remove(made.bot.user_id), { name: 'NotFound' })
  })

  it('a bot never logs in with a password: the same 401 as a wrong password, and no refresh token', async () => {
    const owner = await createUser(url, 'Another Owner') // BOTS_MAX_PER_OWNER is 3 here
    const bot = await makeBot(url, owner, 'Login Bot')
    const db = server.app.get('postgresqlClient')
    const { email } = await db('users').where({ user_id: bot.user_id }).first('email')
    assert.match(email, /@bots\.invalid$/)
    // Even with a password that matches its stored hash (set here by hand), the login is refused.
    const password = 'correct horse battery'
    await db('users')
      .where({ user_id: bot.user_id })
      .update({ password_hash: await hashPassword(server.app, password) })
    await server.app.get('accounts').forget({ users: [bot.user_id] } as any)
    const wrong = await http(url, 'POST', '/api/auth/login', {
      body: { email: owner.email, password: 'nope nope nope' }
    })
    const asBot = await http(url, 'POST', '/api/auth/login', { body: { email, password } })
    assert.equal(asBot.status, 401)
    assert.equal(asBot.body.message, wrong.body.message)
    assert.equal(asBot.body.refresh_token, undefined)
    const viaFeathers = await http(url, 'POST', '/api/authentication', {
      body: { strategy: 'local', email, password }
    })
    assert.equal(viaFeathers.status, 401)
    assert.equal(viaFeathers.body.message, wrong.body.message)
  })

  it('a bot joins private chats and groups, posts and reacts over REST and Socket.IO; is_bot in the user shapes', async () => {
    const owner = await createUser(url, 'Another Owner') // BOTS_MAX_PER_OWNER is 3 here
    const bot = await makeBot(url, owner, 'Chat Bot')
    const ownerSocket = await botSocket(url, owner.access_token, sockets)
    const ownerMessages = recordEvents(ownerSocket.client, 'api/messages', ['created'])

    // Private chat with the bot, opened by a person.
    const chat = await openPrivateChat(url, owner, bot.user_id, { status: [201] })
    const restMessage = await sendText(url, bot, chat.chat_id, 'hello from REST')
    assert.equal(restMessage.sender_id, bot.user_id)

    // A bot socket (Feathers client, bot token as the JWT strategy's access token).
    const s = await botSocket(url, bot.access_token, sockets)
    const botMessages = recordEvents(s.client, 'api/messages', ['created'])
    const viaSocket = await s.client
      .service('api/chats/:chat_id/messages')
      .create({ content: 'hello from the socket' } as any, { route: { chat_id: chat.chat_id } })
    assert.equal((viaSocket as any).sender_id, bot.user_id)
    await eventually(() => assert.equal(ownerMessages.length, 2))

    // Reactions by the bot, over REST and over the socket.
    const react = await http(url, 'POST', `/api/messages/${restMessage.message_id}/reactions`, {
      token: bot.access_token,
      body: { emoji: '👍' }
    })
    assert.ok(react.status === 201 || react.status === 200, react.text)
    await s.client
      .service('api/messages/:message_id/reactions')
      .create({ emoji: '🎉' }, { route: { message_id: (viaSocket as any).message_id } })

    // The owner's message reaches the bot's socket.
    await sendText(url, owner, chat.chat_id, 'hi bot')
    await eventually(() => assert.ok(botMessages.some((m) => m.data.content === 'hi bot')))

    // A group with the bot added through the members route.
    const group = await createGroup(url, owner, 'Bot group', [other as TestUser])
    const added = await http(url, 'POST', `/api/groups/${group.group_id}/members`, {
      token: owner.access_token,
      body: { user_id: bot.user_id }
    })
    assert.equal(added.status, 201, added.text)
    assert.equal(added.body[0].is_bot, true)
    await sendText(url, bot, group.chat_id, 'bot in the group')

    // Shapes: group members, chat members, chat list other_user, user profile, search.
    const members = await http(url, 'GET', `/api/groups/${group.group_id}/members`, {
      token: other.access_token
    })
    const flags = Object.fromEntries(members.body.map((m: any) => [m.user_id, m.is_bot]))
    assert.deepEqual(flags, { [owner.user_id]: false, [other.user_id]: false, [bot.user_id]: true })

    const chatView = await http(url, 'GET', `/api/chats/${group.chat_id}`, { token: other.access_token })
    const chatFlags = Object.fromEntries(chatView.body.members.map((m: any) => [m.user_id, m.is_bot]))
    assert.deepEqual(chatFlags, { [owner.user_id]: false, [other.user_id]: false, [bot.user_id]: true })

    const ownerList = await http(url, 'GET', '/api/chats', { token: owner.access_token })
    const privateView = ownerList.body.data.find((c: any) => c.chat_id === chat.chat_id)
    assert.equal(privateView.other_user.user_id, bot.user_id)
    assert.equal(privateView.other_user.is_bot, true)
    const botList = await http(url, 'GET', '/api/chats', { token: bot.access_token })
    const botView = botList.body.data.find((c: any) => c.chat_id === chat.chat_id)
    assert.equal(botView.other_user.is_bot, false)

    const profile = await http(url, 'GET', `/api/users/${bot.user_id}`, { token: other.access_token })
    assert.equal(profile.body.is_bot, true)
    assert.equal(profile.body.email, undefined)
    const person = await http(url, 'GET', `/api/users/${owner.user_id}`, { token: other.access_token })
    assert.equal(person.body.is_bot, false)

    const search = await http(url, 'GET', '/api/users/search?q=Chat%20Bot', { token: other.access_token })
    assert.equal(search.status, 200, search.text)
    const hit = search.body.data.find((u: any) => u.user_id === bot.user_id)
    assert.equal(hit?.is_bot, true)

    // The outsider never heard the private chat.
    assertNoSecretsSeen()
  })

  it('limits bots per owner (BOTS_MAX_PER_OWNER): 403 past the limit', async () => {
    const busy = await createUser(url, 'Busy Owner')
    for (let i = 0; i < 3; i++) await makeBot(url, busy, `Bot ${i}`)
    const fourth = await http(url, 'POST', '/api/bots', {
      token: busy.access_token,
      body: { name: 'One too many' }
    })
    assert.equal(fourth.status, 403)
    // Deleting one frees a place.
    const mine = await http(url, 'GET', '/api/bots?$limit=1', { token: busy.access_token })
    assert.equal(mine.body.data.length, 1)
    assert.equal(mine.body.has_more, true)
    const del = await http(url, 'DELETE', `/api/bots/${mine.body.data[0].user_id}`, {
      token: busy.access_token
    })
    assert.equal(del.status, 200, del.text)
    await makeBot(url, busy, 'Bot again')
  })

  it('DELETE /api/bots/:bot_id ends its token at once (REST 401, socket closed) and drops it from my list', async () => {
    const owner = await createUser(url, 'Another Owner') // BOTS_MAX_PER_OWNER is 3 here
    const bot = await makeBot(url, owner, 'Doomed Bot')
    const chat = await openPrivateChat(url, owner, bot.user_id)
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 200)
    const s = await botSocket(url, bot.access_token, sockets)
    const disconnected = new Promise<void>((resolve) => s.socket.on('disconnect', () => resolve()))

    const del = await http(url, 'DELETE', `/api/bots/${bot.user_id}`, { token: owner.access_token })
    assert.equal(del.status, 200, del.text)
    assert.equal(del.body.user_id, bot.user_id)
    assert.equal((await http(url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 401)
    assert.equal((await postMessage(url, bot, chat.chat_id, { content: 'still?' })).status, 401)
    await disconnected
    const mine = await http(url, 'GET', '/api/bots', { token: owner.access_token })
    assert.equal(
      mine.body.data.some((b: any) => b.user_id === bot.user_id),
      false
    )
    // Deleted: a second delete and a rotate are 404.
    assert.equal(
      (await http(url, 'DELETE', `/api/bots/${bot.user_id}`, { token: owner.access_token })).status,
      404
    )
    const rotate = await http(url, 'POST', `/api/bots/${bot.user_id}/token`, { token: owner.access_token })
    assert.equal(rotate.status, 404)
  })
})

describe('bots are rate-limited like users', () => {
  let server: TestServer

  before(async () => {
    server = await startServer({ settings: { limits: { messagesPerUserPer10s: 3 } } })
  })
  after(() => server.stop())

  it('the message rate limit applies to a bot: 429 past it', async () => {
    const owner = await createUser(server.url, 'Limit Owner')
    const bot = await makeBot(server.url, owner, 'Chatty Bot')
    const chat = await openPrivateChat(server.url, owner, bot.user_id)
    const statuses = []
    for (let i = 0; i < 4; i++)
      statuses.push((await postMessage(server.url, bot, chat.chat_id, { content: `x${i}` })).status)
    assert.deepEqual(statuses, [201, 201, 201, 429])
    assert.equal((await postMessage(server.url, owner, chat.chat_id, { content: 'me' })).status, 201)
  })
})

describe('bot token rotation across two instances', function () {
  let a: TestServer
  let b: TestServer
  const keyPrefix = testKeyPrefix()
  const sockets: SocketClient[] = []

  before(async function () {
    if (!testRedis.url) this.skip()
    a = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
    b = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await a?.stop()
    await b?.stop()
  })

  it('after a rotate on A the old token gets 401 on A and B, its socket on B stops hearing chat events; the new one works', async () => {
    const owner = await createUser(a.url, 'Rotate Owner')
    const bystander = await createUser(a.url, 'Rotate Bystander')
    const bot = await makeBot(a.url, owner, 'Rotating Bot')
    const chat = await openPrivateChat(a.url, owner, bot.user_id, { status: [201] })

    // B verifies (and remembers) the old token, and the bot listens there.
    assert.equal((await http(b.url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 200)
    const oldSocket = await botSocket(b.url, bot.access_token, sockets)
    const oldHeard = recordEvents(oldSocket.client, 'api/messages', ['created'])
    await sendText(a.url, owner, chat.chat_id, 'before')
    await eventually(() => assert.equal(oldHeard.length, 1))

    const rotated = await http(a.url, 'POST', `/api/bots/${bot.user_id}/token`, { token: owner.access_token })
    assert.equal(rotated.status, 201, rotated.text)
    assert.equal(rotated.body.bot.user_id, bot.user_id)
    assert.notEqual(rotated.body.token, bot.access_token)
    const fresh = rotated.body.token as string

    assert.equal((await http(a.url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 401)
    await eventually(async () =>
      assert.equal((await http(b.url, 'GET', '/api/users/profile', { token: bot.access_token })).status, 401)
    )

    // The new token works on both instances, REST and socket; its socket on B hears the chat.
    assert.equal((await http(a.url, 'GET', '/api/users/profile', { token: fresh })).status, 200)
    assert.equal((await http(b.url, 'GET', '/api/users/profile', { token: fresh })).status, 200)
    const newSocket = await botSocket(b.url, fresh, sockets)
    const newHeard = recordEvents(newSocket.client, 'api/messages', ['created'])
    // The bystander's own socket on B, also listening: a barrier showing the message went out on B.
    const bystanderOnB = await botSocket(b.url, bystander.access_token, sockets)
    const bystanderHeard = recordEvents(bystanderOnB.client, 'api/messages', ['created'])

    await sendText(a.url, owner, chat.chat_id, 'after')
    await eventually(() => assert.equal(newHeard.length, 1))
    assert.equal(newHeard[0].data.content, 'after')
    assert.equal(bystanderHeard.length, 0, 'an outsider hears nothing of the chat')
    assert.equal(oldHeard.length, 1, 'the old token’s socket heard nothing after the rotation')
    // The old socket's calls are refused too.
    await assert.rejects(oldSocket.client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
    // The new token posts.
    const posted = await postMessage(b.url, { access_token: fresh }, chat.chat_id, { content: 'new token' })
    assert.equal(posted.status, 201, posted.text)
  })
})

describe('admin CLI: bot list and bot revoke', function () {
  this.timeout(120_000)
  let server: TestServer
  let env: Record<string, string>
  const sockets: SocketClient[] = []

  before(async function () {
    if (!testDatabase.url) this.skip() // child processes cannot share the in-memory PGlite fallback
    const redis = testRedis.url ? { url: testRedis.url, keyPrefix: testKeyPrefix() } : undefined
    server = await startServer({ settings: redis ? { redis } : {} })
    env = {
      DATABASE_URL: testDatabase.url!,
      ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix } : {})
    }
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server?.stop()
  })

  it('lists bots by owner with their token state; revoke ends the token at once (REST and the live socket)', async () => {
    const owner = await createUser(server.url, 'Cli Owner')
    const person = await createUser(server.url, 'Cli Person')
    const bot = await makeBot(server.url, owner, 'Cli Bot')
    const chat = await openPrivateChat(server.url, owner, bot.user_id)
    const listed = await cliJson(['bot', 'list', '--owner', owner.user_id], env)
    assert.deepEqual(
      listed.map((b: any) => [b.user_id, b.owner_id, b.token]),
      [[bot.user_id, owner.user_id, 'live']]
    )
    assert.ok(!JSON.stringify(listed).includes(bot.access_token), 'the CLI never shows a token')

    const s = await botSocket(server.url, bot.access_token, sockets)
    const heard = recordEvents(s.client, 'api/messages', ['created'])
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: bot.access_token })).status,
      200
    )
    const revoked = await cliJson(['bot', 'revoke', bot.user_id], env)
    assert.equal(revoked.token, 'revoked')
    await eventually(async () =>
      assert.equal(
        (await http(server.url, 'GET', '/api/users/profile', { token: bot.access_token })).status,
        401
      )
    )
    const stillListed = await cliJson(['bot', 'list', '--owner', owner.user_id], env)
    assert.equal(stillListed[0].token, 'revoked')
    // Its socket hears nothing more; a person's own chat message is the barrier.
    const personSocket = await botSocket(server.url, person.access_token, sockets)
    const personHeard = recordEvents(personSocket.client, 'api/messages', ['created'])
    const personChat = await openPrivateChat(server.url, owner, person)
    await sendText(server.url, owner, chat.chat_id, 'after the revoke')
    await sendText(server.url, owner, personChat.chat_id, 'barrier')
    await eventually(() => assert.equal(personHeard.length, 1))
    assert.equal(heard.length, 0)

    // The owner rotates a new token, which works.
    const rotated = await http(server.url, 'POST', `/api/bots/${bot.user_id}/token`, {
      token: owner.access_token
    })
    assert.equal(rotated.status, 201, rotated.text)
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: rotated.body.token })).status,
      200
    )

    const unknown = await runCli(['bot', 'revoke', person.user_id], env)
    assert.notEqual(unknown.code, 0)
    assert.match(unknown.stderr + unknown.stdout, /bot not found/)
  })
})

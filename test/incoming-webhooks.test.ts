import assert from 'node:assert/strict'
import {
  createGroup,
  createUser,
  eventually,
  http,
  liveSocket,
  openPrivateChat,
  recordEvents,
  sleep,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'
import { hashToken } from '../src/auth/refresh-tokens'
import { loggablePath } from '../src/middleware/request-logger'

// Incoming webhooks (SPEC §15): a group's owner or admin makes a secret URL; posting to it sends a message as
// the integration (a bot member of the group). Secrets shown once and stored hashed, revocable at once,
// rate-limited per webhook; outsiders and plain members manage nothing; hostile bodies get a 400.
describe('incoming webhooks', () => {
  let server: TestServer
  let url: string
  let owner: TestUser
  let admin: TestUser
  let member: TestUser
  let outsider: TestUser
  let group: { group_id: string; chat_id: string }
  const sockets: SocketClient[] = []
  const POSTS_PER_MINUTE = 8

  const create = (user: TestUser, body: unknown) =>
    http(url, 'POST', '/api/webhooks/incoming', { token: user.access_token, body })
  const post = (path: string, body: unknown) => http(url, 'POST', path, { body })

  before(async () => {
    server = await startServer({ settings: { limits: { incomingWebhookPostsPerMinute: POSTS_PER_MINUTE } } })
    url = server.url
    owner = await createUser(url, 'Hook Owner')
    admin = await createUser(url, 'Hook Admin')
    member = await createUser(url, 'Hook Member')
    outsider = await createUser(url, 'Hook Outsider')
    group = await createGroup(url, owner, 'Deploys', [member])
    const promote = await http(url, 'POST', `/api/groups/${group.group_id}/members`, {
      token: owner.access_token,
      body: { user_ids: [admin.user_id], role: 'admin' }
    })
    assert.equal(promote.status, 201, promote.text)
  })
  after(async () => {
    for (const s of sockets) s.close()
    await server.stop()
  })

  it('an owner or admin makes one: the secret URL once, stored as a hash, the integration a bot member', async () => {
    const made = await create(admin, { chat_id: group.chat_id, name: 'CI' })
    assert.equal(made.status, 201, made.text)
    const hook = made.body
    assert.match(hook.token, /^fci_[A-Za-z0-9_-]{43}$/)
    assert.equal(hook.url, `/api/hooks/${hook.token}`)
    assert.equal(hook.chat_id, group.chat_id)
    assert.equal(hook.created_by, admin.user_id)
    const row = await server.app
      .get('postgresqlClient')('incoming_webhooks')
      .where({ incoming_webhook_id: hook.incoming_webhook_id })
      .first()
    assert.equal(row.token_hash, hashToken(hook.token))
    assert.ok(!JSON.stringify(row).includes(hook.token), 'the secret itself is not stored')

    const listed = await http(url, 'GET', `/api/webhooks/incoming?chat_id=${group.chat_id}`, {
      token: owner.access_token
    })
    assert.equal(listed.status, 200, listed.text)
    const entry = listed.body.data.find((h: any) => h.incoming_webhook_id === hook.incoming_webhook_id)
    assert.ok(entry)
    assert.equal(entry.token, undefined)
    assert.ok(!listed.text.includes(hook.token), 'the list never shows a secret')
    const one = await http(url, 'GET', `/api/webhooks/incoming/${hook.incoming_webhook_id}`, {
      token: owner.access_token
    })
    assert.equal(one.status, 200, one.text)
    assert.ok(!one.text.includes(hook.token))

    const info = await http(url, 'GET', `/api/groups/${group.group_id}`, { token: member.access_token })
    const bot = info.body.members.find((m: any) => m.user_id === hook.user_id)
    assert.ok(bot, 'the integration is a member of the group')
    const profile = await http(url, 'GET', `/api/users/${hook.user_id}`, { token: member.access_token })
    assert.equal(profile.body.is_bot, true)
    assert.equal(profile.body.name, 'CI')
    assert.equal(profile.body.email, undefined)
  })

  it('plain members get 403, outsiders 404, private chats 400; bodies are validated', async () => {
    assert.equal((await create(member, { chat_id: group.chat_id, name: 'x' })).status, 403)
    assert.equal((await create(outsider, { chat_id: group.chat_id, name: 'x' })).status, 404)
    const privateChat = await openPrivateChat(url, member, outsider)
    const inPrivate = await create(member, { chat_id: privateChat.chat_id, name: 'x' })
    assert.equal(inPrivate.status, 400)
    assert.match(inPrivate.body.message, /chat_id/)
    for (const body of [{ chat_id: group.chat_id }, { chat_id: group.chat_id, name: 'x', extra: 1 }, {}]) {
      assert.equal((await create(owner, body)).status, 400, JSON.stringify(body))
    }
    const hostileName = await create(owner, { chat_id: group.chat_id, name: 'a\u0000b' })
    assert.equal(hostileName.status, 400)

    for (const user of [member, outsider]) {
      const list = await http(url, 'GET', `/api/webhooks/incoming?chat_id=${group.chat_id}`, {
        token: user.access_token
      })
      assert.equal(list.status, user === member ? 403 : 404)
    }
    const made = await create(owner, { chat_id: group.chat_id, name: 'Not yours' })
    const id = made.body.incoming_webhook_id
    for (const [user, status] of [
      [outsider, 404],
      [member, 403]
    ] as const) {
      const got = await http(url, 'GET', `/api/webhooks/incoming/${id}`, { token: user.access_token })
      assert.equal(got.status, status)
      assert.ok(!got.text.includes(made.body.token))
      const removed = await http(url, 'DELETE', `/api/webhooks/incoming/${id}`, { token: user.access_token })
      assert.equal(removed.status, status)
    }
    assert.equal((await post(made.body.url, { content: 'still works' })).status, 201)
    assert.equal(
      (await http(url, 'GET', '/api/webhooks/incoming', { token: owner.access_token })).status,
      400
    )
  })

  it('a post reaches members over Socket.IO as the integration, and no outsider', async () => {
    const hook = (await create(owner, { chat_id: group.chat_id, name: 'Alerts' })).body
    const memberSocket = await liveSocket(url, member, sockets)
    const outsiderSocket = await liveSocket(url, outsider, sockets)
    const heard = recordEvents(memberSocket.client, 'api/messages', ['created'])
    const overheard = recordEvents(outsiderSocket.client, 'api/messages', ['created'])
    const sent = await post(hook.url, { content: 'Build #42 passed ✅' })
    assert.equal(sent.status, 201, sent.text)
    assert.equal(sent.body.sender_id, hook.user_id)
    assert.equal(sent.body.chat_id, group.chat_id)
    await eventually(() => assert.ok(heard.some((e) => e.data.message_id === sent.body.message_id)))
    await sleep(200)
    assert.equal(overheard.length, 0)

    const history = await http(url, 'GET', `/api/chats/${group.chat_id}/messages?limit=5`, {
      token: member.access_token
    })
    assert.ok(history.body.data.some((m: any) => m.message_id === sent.body.message_id))
    // Retries with the same client_id give the same message, 200.
    const first = await post(hook.url, { content: 'once', client_id: 'deploy-7' })
    const again = await post(hook.url, { content: 'once', client_id: 'deploy-7' })
    assert.equal(first.status, 201)
    assert.equal(again.status, 200)
    assert.equal(again.body.message_id, first.body.message_id)
  })

  it('hostile and malformed bodies get a 400; unknown secrets a 404 that says nothing more', async () => {
    const hook = (await create(owner, { chat_id: group.chat_id, name: 'Hostile' })).body
    for (const body of [
      { content: '' },
      { content: 'a\u0000b' },
      { content: 'x'.repeat(100_001) },
      { content: 'hi', sender_id: owner.user_id },
      { content: 42 },
      {}
    ]) {
      const res = await post(hook.url, body)
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${res.status}`)
    }
    const unknown = [
      '/api/hooks/fci_' + 'A'.repeat(43),
      '/api/hooks/not-a-token',
      `/api/hooks/${hook.token}x`,
      `/api/hooks/${hook.token.toLowerCase()}`
    ]
    for (const path of unknown) {
      const res = await post(path, { content: 'hi' })
      assert.equal(res.status, 404, path)
      assert.equal(res.body.message, 'Incoming webhook not found')
    }
  })

  it('is rate-limited per webhook: one hook spending its budget does not stop another', async () => {
    const noisy = (await create(owner, { chat_id: group.chat_id, name: 'Noisy' })).body
    const quiet = (await create(owner, { chat_id: group.chat_id, name: 'Quiet' })).body
    const answers = []
    for (let i = 0; i < POSTS_PER_MINUTE + 2; i++) answers.push(await post(noisy.url, { content: `n${i}` }))
    assert.deepEqual(
      answers.map((a) => a.status),
      [...Array(POSTS_PER_MINUTE).fill(201), 429, 429]
    )
    assert.ok(Number(answers[POSTS_PER_MINUTE].headers.get('retry-after')) >= 1)
    assert.equal((await post(quiet.url, { content: 'still here' })).status, 201)
  })

  it('revoking kills the URL at once and takes the integration out of the group; so does removing it', async () => {
    const hook = (await create(owner, { chat_id: group.chat_id, name: 'Temporary' })).body
    assert.equal((await post(hook.url, { content: 'before' })).status, 201)
    const revoked = await http(url, 'DELETE', `/api/webhooks/incoming/${hook.incoming_webhook_id}`, {
      token: admin.access_token
    })
    assert.equal(revoked.status, 200, revoked.text)
    assert.equal(revoked.body.token, undefined)
    const after = await post(hook.url, { content: 'after' })
    assert.equal(after.status, 404)
    const info = await http(url, 'GET', `/api/groups/${group.group_id}`, { token: owner.access_token })
    assert.ok(!info.body.members.some((m: any) => m.user_id === hook.user_id))

    // An admin removing the integration from the group switches its URL off too.
    const other = (await create(owner, { chat_id: group.chat_id, name: 'Removed' })).body
    const kicked = await http(url, 'DELETE', `/api/groups/${group.group_id}/members/${other.user_id}`, {
      token: owner.access_token
    })
    assert.equal(kicked.status, 200, kicked.text)
    assert.equal((await post(other.url, { content: 'after removal' })).status, 404)

    const audit = await server.app
      .get('postgresqlClient')('audit_log')
      .where({ target_id: hook.incoming_webhook_id })
      .orderBy('id')
      .select('action', 'actor_id', 'group_id')
    assert.deepEqual(
      audit.map((a: any) => [a.action, a.actor_id, a.group_id]),
      [
        ['incoming_webhook.created', owner.user_id, group.group_id],
        ['incoming_webhook.revoked', admin.user_id, group.group_id]
      ]
    )
  })

  it('a chat has a bounded number of incoming webhooks, exact under concurrency', async () => {
    const g = await createGroup(url, owner, 'Bounded', [])
    const made = await Promise.all(
      Array.from({ length: 13 }, (_, i) => create(owner, { chat_id: g.chat_id, name: `h${i}` }))
    )
    const statuses = made.map((r) => r.status)
    assert.equal(statuses.filter((s) => s === 201).length, 10, statuses.join(','))
    assert.equal(statuses.filter((s) => s === 400).length, 3)
    const info = await http(url, 'GET', `/api/groups/${g.group_id}`, { token: owner.access_token })
    assert.equal(info.body.members.length, 11, 'the owner and the ten integrations, no leftover bot')
  })

  it('the integration cannot log in with a password', async () => {
    const hook = (await create(owner, { chat_id: group.chat_id, name: 'No login' })).body
    const row = await server.app.get('postgresqlClient')('users').where({ user_id: hook.user_id }).first()
    assert.equal(row.is_bot, true)
    assert.equal(row.bot_owner_id, owner.user_id)
    const login = await http(url, 'POST', '/api/auth/login', {
      body: { email: row.email, password: 'x'.repeat(12) }
    })
    assert.equal(login.status, 401)
  })

  it('posting works through the Feathers client over Socket.IO too', async () => {
    const hook = (await create(owner, { chat_id: group.chat_id, name: 'Socket poster' })).body
    const s = await liveSocket(url, outsider, sockets)
    const message = await s.client
      .service('api/hooks/:token')
      .create({ content: 'via socket' }, { route: { token: hook.token } })
    assert.equal(message.sender_id, hook.user_id)
    const managed = await liveSocket(url, owner, sockets)
    const page = await managed.client
      .service('api/webhooks/incoming')
      .find({ query: { chat_id: group.chat_id } })
    assert.ok(page.data.some((h) => h.incoming_webhook_id === hook.incoming_webhook_id))
    await assert.rejects(
      s.client.service('api/webhooks/incoming').find({ query: { chat_id: group.chat_id } }),
      (e: any) => e.code === 404
    )
  })

  it('request log lines never carry a secret', () => {
    assert.equal(loggablePath('/api/hooks/fci_secret'), '/api/hooks/:token')
    assert.equal(loggablePath('/api/hooks/fci_secret/extra'), '/api/hooks/:token/extra')
    assert.equal(loggablePath('/api/chats/abc'), '/api/chats/abc')
  })
})

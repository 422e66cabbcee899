// The admin CLI, run as child processes (`node --import tsx src/cli/index.ts …`) against the real test
// database, next to a live test server that shares its Redis prefix (as instances of one deployment do).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import knex, { type Knex } from 'knex'
import {
  createUser,
  http,
  openPrivateChat,
  sendText,
  socketClient,
  startServer,
  uniqueEmail,
  type TestServer
} from './helpers'
import { scratchDatabaseName, testDatabase, testRedis, testKeyPrefix } from './setup'
import { cliJson, cliOk, freshDatabase, runCli, snapshot } from './cli-helpers'

const requirePostgres = function (this: Mocha.Context) {
  if (testDatabase.url) return
  // Child processes cannot share the in-memory PGlite the suite falls back to: say so instead of passing.
  console.log('    (CLI tests skipped: they need the PostgreSQL test server, not the PGlite fallback)')
  this.skip()
}

describe('admin CLI: migrate and seed on fresh databases', function () {
  this.timeout(120_000)
  let a: Awaited<ReturnType<typeof freshDatabase>>
  let b: Awaited<ReturnType<typeof freshDatabase>>
  const seedArgs = ['seed', '--users', '5', '--groups', '2', '--messages', '20', '--seed', '42']
  const servers: TestServer[] = []
  /** A live server on one of these databases, to check what the CLI wrote from a client's side. */
  const liveUrl = async (url: string) => {
    const server = await startServer({ settings: { database: { url } } })
    servers.push(server)
    return server.url
  }

  before(async function () {
    requirePostgres.call(this)
    a = await freshDatabase(testDatabase.adminUrl, scratchDatabaseName('cli_a'))
    b = await freshDatabase(testDatabase.adminUrl, scratchDatabaseName('cli_b'))
  })
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    await Promise.all([a?.drop(), b?.drop()])
  })

  it('migrate applies every migration and prints them; a second run applies none', async () => {
    const expected = fs
      .readdirSync(path.join(__dirname, '..', 'migrations'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
    // Side by side (two databases): each CLI process costs ~2 s of start-up, mostly CPU.
    const [onA, table] = await Promise.all([
      cliJson(['migrate'], { DATABASE_URL: a.url }),
      cliOk(['migrate'], { DATABASE_URL: b.url })
    ])
    assert.deepEqual(onA, { database: 'postgres', applied: expected })
    assert.deepEqual((await cliJson(['migrate'], { DATABASE_URL: a.url })).applied, [])
    assert.match(table, /Applied on postgres/)
    for (const name of expected) assert.ok(table.includes(name), `${name} listed`)
  })

  it('seed creates the same demo data from the same options, with progress lines on a non-TTY stderr', async () => {
    const [first] = await Promise.all([
      runCli(seedArgs, { DATABASE_URL: a.url }),
      cliOk(seedArgs, { DATABASE_URL: b.url }) // side by side: two databases
    ])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /demo-password/)
    assert.match(first.stderr, /seed: users 5\/5/)
    assert.match(first.stderr, /seed: messages 20\/20/)

    const users = await cliJson(['user', 'list'], { DATABASE_URL: a.url })
    assert.deepEqual(
      users.map((u: any) => [u.name, u.email]),
      ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'].map((name, i) => [name, `user${i + 1}@demo.test`])
    )
    const [counts] = (
      await a.db.raw(`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM groups) AS groups,
        (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM chats WHERE type = 'private') AS private`)
    ).rows
    assert.deepEqual(
      { ...counts, private: counts.private > 0 },
      { users: 5, groups: 2, messages: 20, private: true }
    )
    assert.deepEqual(await snapshot(a.db), await snapshot(b.db), 'same options, same data')

    const login = await http(await liveUrl(a.url), 'POST', '/api/auth/login', {
      body: { email: 'user3@demo.test', password: 'demo-password' }
    })
    assert.equal(login.status, 200, 'the printed password works')
  })

  it('seed refuses when demo users exist, unless --force (which reuses them)', async () => {
    const again = await runCli(seedArgs, { DATABASE_URL: a.url })
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /demo users already exist \(user1@demo\.test/)
    const forced = await cliJson([...seedArgs, '--force'], { DATABASE_URL: a.url })
    assert.equal(forced.users.length, 5)
    assert.equal((await a.db('users').count({ n: '*' }))[0].n, 5)
    assert.equal((await a.db('messages').count({ n: '*' }))[0].n, 40)
  })
})

describe('admin CLI: commands next to a live server', function () {
  this.timeout(120_000)
  let server: TestServer
  let env: Record<string, string>
  let db: Knex
  let uploadDir: string

  before(async function () {
    requirePostgres.call(this)
    const redis = testRedis.url ? { url: testRedis.url, keyPrefix: testKeyPrefix() } : undefined
    server = await startServer({ settings: redis ? { redis } : {} })
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-cli-uploads-'))
    env = {
      DATABASE_URL: testDatabase.url!,
      UPLOAD_DIR: uploadDir,
      ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix } : {})
    }
    db = knex({ client: 'pg', connection: testDatabase.url!, pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await server?.stop()
    await db?.destroy()
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  it('user create, show (by id and email), search and list', async () => {
    const name = `Clio${process.pid}${Date.now().toString(36)}`
    const email = uniqueEmail('clio')
    const created = await cliJson(
      ['user', 'create', '--name', name, '--email', email, '--password', 'first secret'],
      env
    )
    assert.equal(created.email, email)
    // Read-only commands side by side: each CLI process costs ~2 s of start-up.
    const [byEmail, byId, found, foundText] = await Promise.all([
      cliJson(['user', 'show', email.toUpperCase()], env),
      cliJson(['user', 'show', created.user_id], env),
      cliJson(['user', 'search', name.toLowerCase()], env),
      cliOk(['user', 'search', name], env)
    ])
    assert.deepEqual(byEmail, byId)
    assert.deepEqual([byEmail.status, byEmail.banned_at, byEmail.chat_count], ['offline', null, 0])
    assert.ok(byEmail.created_at)
    assert.deepEqual(
      found.map((u: any) => u.email),
      [email]
    )
    assert.match(foundText, new RegExp(`${created.user_id}\\s+${name}\\s+${email}`))
    await createUser(server.url, 'Cli Listed')
    await createUser(server.url, 'Cli Listed')
    const [all, page] = await Promise.all([
      cliJson(['user', 'list', '--limit', '50'], env),
      cliJson(['user', 'list', '--limit', '2', '--offset', '1'], env)
    ])
    assert.deepEqual(Object.keys(all[0]), ['user_id', 'name', 'email', 'status', 'banned_at', 'created_at'])
    assert.deepEqual(page, all.slice(1, 3))
    const login = await http(server.url, 'POST', '/api/auth/login', {
      body: { email, password: 'first secret' }
    })
    assert.equal(login.status, 200)
  })

  it('errors: a bad email names the field, an unknown user, group or message is a clear non-zero exit', async () => {
    const missing = `nobody-${randomUUID()}@example.com`
    const cases = [
      [['user', 'show', missing], `user not found: ${missing}`],
      [['user', 'ban', 'no-such-user-id'], 'user not found: no-such-user-id'],
      [['chat', 'list', '--user', missing], `user not found: ${missing}`],
      [['group', 'show', 'no-such-group'], 'group not found: no-such-group'],
      [['message', 'delete', 'no-such-message'], 'message not found: no-such-message']
    ] as const
    // Side by side (none changes anything): each CLI process costs ~2 s of start-up.
    const [bad, ...results] = await Promise.all([
      runCli(['user', 'create', '--name', 'X', '--email', 'not-an-email', '--password', 'secret1'], env),
      ...cases.map(([args]) => runCli([...args], env))
    ])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /^error: Invalid data: email must match format "email"/)
    assert.equal(bad.stdout, '')
    for (const [i, [args, message]] of cases.entries()) {
      assert.equal(results[i].code, 1, args.join(' '))
      assert.equal(results[i].stderr.trim(), `error: ${message}`)
    }
  })

  it('user ban: the live server drops the socket and refuses login; unban lets the user back', async function () {
    if (!env.REDIS_URL) {
      console.log('    (skipped: a ban reaches another process through Redis, which is not reachable)')
      return this.skip()
    }
    const user = await createUser(server.url, 'Cli Banned')
    const live = socketClient(server.url)
    try {
      await live.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
      const dropped = new Promise<string>((resolve) =>
        live.socket.on('disconnect', (reason) => resolve(reason))
      )
      const banned = await cliJson(['user', 'ban', user.email], env)
      assert.ok(banned.banned_at)
      assert.equal(await dropped, 'io server disconnect')
    } finally {
      live.close()
    }
    const login = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal(login.status, 401)
    assert.match(login.body.message, /banned/)
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })).status,
      401
    )
    assert.equal((await cliJson(['user', 'unban', user.user_id], env)).banned_at, null)
    const again = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal(again.status, 200)
  })

  it("user reset-password: the old password and the user's sessions stop working, the new one works", async () => {
    const user = await createUser(server.url, 'Cli Reset')
    const [short, weak] = await Promise.all([
      runCli(['user', 'reset-password', user.user_id, '--password', 'abc'], env),
      runCli(['user', 'reset-password', user.user_id, '--password', 'password123'], env)
    ])
    assert.notEqual(short.code, 0)
    assert.match(short.stderr, /password must NOT have fewer than 8 characters/)
    assert.notEqual(weak.code, 0)
    assert.match(weak.stderr, /password is too easy to guess: This is a commonly used password/)
    await cliOk(['user', 'reset-password', user.email, '--password', 'a brand new secret'], env)
    const login = (password: string) =>
      http(server.url, 'POST', '/api/auth/login', { body: { email: user.email, password } })
    assert.equal((await login(user.password)).status, 401)
    assert.equal((await login('a brand new secret')).status, 200)
    const refresh = await http(server.url, 'POST', '/api/auth/refresh', {
      body: { refresh_token: user.refresh_token }
    })
    assert.equal(refresh.status, 401, 'sessions are revoked')
  })

  it('chat list, group show and message delete (the tombstone is visible over REST)', async () => {
    const owner = await createUser(server.url, 'Cli Owner')
    const peer = await createUser(server.url, 'Cli Peer')
    const third = await createUser(server.url, 'Cli Third')
    const chat = await openPrivateChat(server.url, owner, peer)
    const group = await http(server.url, 'POST', '/api/groups', {
      token: owner.access_token,
      body: { name: 'Cli Group', member_ids: [peer.user_id] }
    })
    await http(server.url, 'POST', `/api/groups/${group.body.group_id}/members`, {
      token: owner.access_token,
      body: { user_id: third.user_id, role: 'admin' }
    })
    const sent = await sendText(server.url, peer, chat.chat_id, 'delete me')

    const chats = await cliJson(['chat', 'list', '--user', owner.email], env)
    assert.deepEqual([chats.data.length, chats.skip, chats.has_more, chats.total], [2, 0, false, undefined])
    assert.deepEqual(
      chats.data.map((c: any) => [c.chat_id, c.title]).sort(),
      [
        [chat.chat_id, 'Cli Peer'],
        [group.body.chat_id, 'Cli Group']
      ].sort()
    )
    const shown = await cliJson(['group', 'show', group.body.group_id], env)
    assert.equal(shown.name, 'Cli Group')
    assert.deepEqual(
      shown.members.map((m: any) => [m.name, m.role]),
      [
        ['Cli Owner', 'owner'],
        ['Cli Peer', 'member'],
        ['Cli Third', 'admin']
      ]
    )
    assert.match(await cliOk(['group', 'show', group.body.group_id], env), /Cli Third\s+admin/)

    const tombstone = await cliJson(['message', 'delete', sent.message_id], env)
    assert.ok(tombstone.deleted_at)
    const history = await http(server.url, 'GET', `/api/chats/${chat.chat_id}/messages`, {
      token: owner.access_token
    })
    const seen = history.body.data.find((m: any) => m.message_id === sent.message_id)
    assert.deepEqual([seen.content, Boolean(seen.deleted_at), seen.seq], ['', true, sent.seq])
    const twice = await runCli(['message', 'delete', sent.message_id], env)
    assert.equal(twice.code, 1)
    assert.match(twice.stderr, /message already deleted/)
  })

  it('message show: the thread summary, reactions with who reacted, the pin, mentions and the edit history', async () => {
    const ann = await createUser(server.url, 'Show Ann')
    const bob = await createUser(server.url, 'Show Bob')
    const chat = await openPrivateChat(server.url, ann, bob)
    const root = await sendText(server.url, ann, chat.chat_id, 'first words', { mentions: [bob.user_id] })
    await sendText(server.url, bob, chat.chat_id, 'a reply', { thread_root_id: root.message_id })
    const as = (user: typeof ann) => ({ token: user.access_token })
    await http(server.url, 'PATCH', `/api/messages/${root.message_id}`, {
      ...as(ann),
      body: { content: 'second words' }
    })
    await http(server.url, 'POST', `/api/messages/${root.message_id}/reactions`, {
      ...as(bob),
      body: { emoji: '👍' }
    })
    await http(server.url, 'POST', `/api/chats/${chat.chat_id}/pins`, {
      ...as(bob),
      body: { message_id: root.message_id }
    })

    const shown = await cliJson(['message', 'show', root.message_id], env)
    assert.equal(shown.content, 'second words')
    assert.deepEqual(shown.mentions, [bob.user_id])
    assert.equal(shown.pinned_by, bob.user_id)
    assert.equal(shown.thread.reply_count, 1)
    assert.deepEqual(shown.thread.participant_ids, [bob.user_id])
    assert.deepEqual(
      shown.reactions.map((r: any) => [r.emoji, r.count, r.user_ids]),
      [['👍', 1, [bob.user_id]]]
    )
    assert.deepEqual(
      shown.edits.map((e: any) => e.content),
      ['first words']
    )
    const text = await cliOk(['message', 'show', root.message_id], env)
    assert.match(text, /1 replies/)
    assert.match(text, new RegExp(`👍\\s+1\\s+${bob.user_id}`))
    assert.match(text, /first words/)
    const missing = await runCli(['message', 'show', 'no-such-message'], env)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /message not found: no-such-message/)
  })

  it('files cleanup: orphaned objects and rows without bytes; --dry-run removes nothing', async () => {
    const hex = () => randomBytes(8).toString('hex')
    const orphanKey = 'ab/0123456789abcdef'
    const keptKey = `ef/${hex()}`
    for (const key of [orphanKey, keptKey]) {
      fs.mkdirSync(path.join(uploadDir, path.dirname(key)), { recursive: true })
      fs.writeFileSync(path.join(uploadDir, key), 'bytes')
    }
    const old = new Date(Date.now() - 2 * 3600_000).toISOString()
    const row = (file_id: string, storage_key: string, created_at?: string) => ({
      file_id,
      storage_key,
      url: `/files/${file_id}`,
      filename: `${file_id}.txt`,
      ...(created_at ? { created_at } : {})
    })
    const [missing, kept, fresh] = [`cli-missing-${hex()}`, `cli-kept-${hex()}`, `cli-fresh-${hex()}`]
    // `fresh` has no bytes either, but it is younger than the grace period (its upload may be in flight).
    await db('files').insert([
      row(missing, `cd/${hex()}`, old),
      row(kept, keptKey, old),
      row(fresh, `cd/${hex()}`)
    ])

    const dry = await cliJson(['files', 'cleanup', '--dry-run'], env)
    assert.deepEqual(dry.orphan_objects, [orphanKey])
    assert.deepEqual(
      dry.missing_bytes.map((r: any) => r.file_id),
      [missing]
    )
    assert.deepEqual(dry.removed, { objects: [], rows: [] })
    assert.ok(fs.existsSync(path.join(uploadDir, orphanKey)))
    assert.equal((await db('files').whereIn('file_id', [missing, kept, fresh])).length, 3)

    assert.match(await cliOk(['files', 'cleanup'], env), /Removed 1 object\(s\) and 1 row\(s\)/)
    assert.ok(!fs.existsSync(path.join(uploadDir, orphanKey)), 'orphan removed')
    assert.ok(fs.existsSync(path.join(uploadDir, keptKey)), 'a stored file with its row stays')
    assert.deepEqual(
      (await db('files').whereIn('file_id', [missing, kept, fresh]).pluck('file_id')).sort(),
      [fresh, kept].sort()
    )
    await db('files').whereIn('file_id', [kept, fresh]).delete()
  })
})

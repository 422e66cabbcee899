// The admin CLI against the embedded database while a server runs on it (the default setup: PGlite, no
// Redis). The server is its own process on a temporary PGLITE_DIR; it shares that database over a Unix
// socket (src/pglite-share.ts) and the CLI, run as another process on the same PGLITE_DIR, connects there.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import {
  createUser,
  eventually,
  http,
  killSpawnedServers,
  openPrivateChat,
  sendText,
  socketClient,
  spawnServer,
  type SpawnedServer
} from './helpers'
import { cliJson, cliOk, runCli } from './cli-helpers'

const SHARE_FILE = '.chat-backend.share'

/** No PostgreSQL, no Redis: the default setup, on this folder. */
const embeddedEnv = (dir: string) => ({
  DATABASE_URL: '',
  DB_HOST: '',
  REDIS_URL: '',
  REDIS_HOST: '',
  REDIS_SENTINELS: '',
  REDIS_CLUSTER_NODES: '',
  PGLITE_DIR: dir,
  DB_MIGRATE_ON_START: 'true'
})

const readShare = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, SHARE_FILE), 'utf8'))

describe('admin CLI while the server runs on PGlite (shared over a local socket)', function () {
  this.timeout(120_000)
  let root: string
  let dir: string
  let server: SpawnedServer
  /** The CLI's environment: the same PGLITE_DIR, nothing else configured. */
  let env: Record<string, string>

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-cli-pglite-'))
    dir = path.join(root, 'pglite')
    env = { PGLITE_DIR: dir }
    server = await spawnServer(embeddedEnv(dir))
    // Shared once set up (right after it listens): the share file names the server's pid.
    await eventually(() => assert.equal(readShare(dir).pid, server.process.pid), 15_000)
  })
  after(async () => {
    await killSpawnedServers()
    if (root) fs.rmSync(root, { recursive: true, force: true })
  })

  it('the sockets are in the PGlite folder, for this OS user only', () => {
    const share = readShare(dir)
    assert.equal(share.host, dir)
    assert.equal(path.dirname(share.events), dir)
    for (const socket of [path.join(share.host, `.s.PGSQL.${share.port}`), share.events]) {
      const stat = fs.statSync(socket)
      assert.ok(stat.isSocket(), socket)
      assert.equal(stat.mode & 0o777, 0o600, socket)
    }
  })

  it('user list and migrate run through the server, and show what the server wrote', async () => {
    const ada = await createUser(server.url, 'Shared Ada')
    const users = await cliJson(['user', 'list', '--limit', '100'], env)
    assert.ok(users.some((u: any) => u.user_id === ada.user_id && u.email === ada.email))
    assert.deepEqual(await cliJson(['migrate'], env), { database: 'pglite', applied: [] })
    // A user the CLI creates can log in on the server at once.
    const created = await cliJson(
      [
        'user',
        'create',
        '--name',
        'Cli Made',
        '--email',
        'cli.made@example.com',
        '--password',
        'a fine long secret'
      ],
      env
    )
    const login = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: 'cli.made@example.com', password: 'a fine long secret' }
    })
    assert.equal(login.status, 200)
    assert.equal(login.body.user.user_id, created.user_id)
  })

  it('user ban: the live socket is dropped, login and the old token are refused, others keep chatting', async () => {
    const victim = await createUser(server.url, 'Banned Bea')
    const alice = await createUser(server.url, 'Alice Stays')
    const bob = await createUser(server.url, 'Bob Stays')
    const chat = await openPrivateChat(server.url, alice, bob)
    const victimSocket = socketClient(server.url)
    const bobSocket = socketClient(server.url)
    try {
      await victimSocket.client.authenticate({ strategy: 'jwt', accessToken: victim.access_token })
      await bobSocket.client.authenticate({ strategy: 'jwt', accessToken: bob.access_token })
      const dropped = new Promise<string>((resolve) =>
        victimSocket.socket.on('disconnect', (reason) => resolve(reason))
      )

      const banned = await cliJson(['user', 'ban', victim.email], env)
      assert.equal(banned.user_id, victim.user_id)
      assert.ok(banned.banned_at)
      // No Redis carries the CLI's event: the server notices the admin session's write and re-checks.
      assert.equal(await dropped, 'io server disconnect')

      const login = await http(server.url, 'POST', '/api/auth/login', {
        body: { email: victim.email, password: victim.password }
      })
      assert.equal(login.status, 401)
      assert.match(login.body.message, /banned/)
      const profile = await http(server.url, 'GET', '/api/users/profile', { token: victim.access_token })
      assert.equal(profile.status, 401)

      // The server keeps serving the others, over REST and sockets.
      assert.ok(bobSocket.socket.connected)
      const received = new Promise<any>((resolve) =>
        bobSocket.client.service('api/messages' as any).on('created', resolve)
      )
      const sent = await sendText(server.url, alice, chat.chat_id, 'still here after the ban')
      assert.equal((await received).message_id, sent.message_id)

      const listed = await cliJson(['user', 'show', victim.user_id], env)
      assert.equal(listed.banned_at, banned.banned_at)
    } finally {
      victimSocket.close()
      bobSocket.close()
    }
  })

  it("message delete: the CLI's event reaches the chat's live member through the server (no Redis)", async () => {
    const alice = await createUser(server.url, 'Alice Deleter')
    const bob = await createUser(server.url, 'Bob Watcher')
    const chat = await openPrivateChat(server.url, alice, bob)
    const sent = await sendText(server.url, alice, chat.chat_id, 'to be moderated')
    const bobSocket = socketClient(server.url)
    try {
      await bobSocket.client.authenticate({ strategy: 'jwt', accessToken: bob.access_token })
      const removed = new Promise<any>((resolve) =>
        bobSocket.client.service('api/messages' as any).on('removed', resolve)
      )
      const tombstone = await cliJson(['message', 'delete', sent.message_id], env)
      assert.ok(tombstone.deleted_at)
      const event = await removed
      assert.equal(event.message_id, sent.message_id)
      assert.equal(event.chat_id, chat.chat_id)
      assert.ok(event.deleted_at)
      assert.notEqual(event.content, 'to be moderated')
      // The server's history shows the tombstone too.
      const page = await http(server.url, 'GET', `/api/chats/${chat.chat_id}/messages`, {
        token: bob.access_token
      })
      const shown = page.body.data.find((m: any) => m.message_id === sent.message_id)
      assert.ok(shown.deleted_at)
    } finally {
      bobSocket.close()
    }
  })

  it('a second admin session waits its turn, then is refused with a clear error; the server serves meanwhile', async () => {
    const share = readShare(dir)
    const holder = new pg.Client({
      host: share.host,
      port: share.port,
      user: 'postgres',
      database: 'postgres'
    })
    holder.on('error', () => undefined)
    await holder.connect()
    try {
      const [busy, login] = await Promise.all([
        runCli(['user', 'list'], env),
        createUser(server.url, 'Served Meanwhile')
      ])
      assert.equal(busy.code, 1)
      assert.match(busy.stderr, /another admin command is using the server's database/)
      assert.ok(login.access_token)
      assert.equal((await holder.query('select 1 as one')).rows[0].one, 1)
    } finally {
      await holder.end().catch(() => undefined)
    }
    // Its turn over, the next command runs.
    await cliOk(['user', 'list'], env)
  })

  it('an admin transaction left open is cut off and rolled back; the server was waiting, not broken', async () => {
    const share = readShare(dir)
    const user = await createUser(server.url, 'Kept Name')
    const holder = new pg.Client({
      host: share.host,
      port: share.port,
      user: 'postgres',
      database: 'postgres'
    })
    const ended = new Promise<void>((resolve) => holder.on('end', () => resolve()))
    holder.on('error', () => undefined)
    await holder.connect()
    await holder.query('BEGIN')
    await holder.query('UPDATE users SET name = $1 WHERE user_id = $2', ['Hijacked', user.user_id])
    // The server's own request waits for the database while the transaction is open, then is answered.
    const profile = await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })
    assert.equal(profile.status, 200)
    assert.equal(profile.body.name, 'Kept Name')
    await ended
    assert.equal((await cliJson(['user', 'show', user.user_id], env)).name, 'Kept Name')
  })

  it('a share file left by a killed server is ignored: the CLI opens the folder itself', async () => {
    await server.stop('SIGKILL')
    assert.ok(fs.existsSync(path.join(dir, SHARE_FILE)), 'a SIGKILL leaves the share file behind')
    const users = await cliJson(['user', 'list', '--limit', '100'], env)
    assert.ok(users.some((u: any) => u.email === 'cli.made@example.com'))
    assert.equal(fs.existsSync(path.join(dir, SHARE_FILE)), false, 'the stale share file is removed')
  })

  it('a PGlite path too long for a socket gets a private temporary folder; a stop removes it and the share file', async () => {
    const longDir = path.join(root, 'a-folder-name-long-enough'.repeat(4), 'pglite')
    const other = await spawnServer(embeddedEnv(longDir))
    try {
      await eventually(() => assert.equal(readShare(longDir).pid, other.process.pid), 15_000)
      const share = readShare(longDir)
      assert.notEqual(share.host, longDir)
      assert.equal(path.dirname(share.host), os.tmpdir())
      assert.equal(fs.statSync(share.host).mode & 0o777, 0o700)
      const created = await createUser(other.url, 'Long Path')
      const users = await cliJson(['user', 'list'], { PGLITE_DIR: longDir })
      assert.deepEqual(
        users.map((u: any) => u.user_id),
        [created.user_id]
      )
      assert.equal(await other.stop('SIGTERM'), 0)
      assert.equal(fs.existsSync(path.join(longDir, SHARE_FILE)), false, 'share file removed')
      assert.equal(fs.existsSync(share.host), false, 'socket folder removed')
    } finally {
      await other.stop('SIGKILL')
    }
  })
})

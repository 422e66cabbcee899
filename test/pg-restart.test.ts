import assert from 'node:assert/strict'
// PostgreSQL restart (SPEC §9): a private cluster (initdb + pg_ctl on its own port, in a temp dir) that this
// test stops and starts again while a client keeps sending messages over Socket.IO. The server is never
// restarted. Every acknowledged message must be stored, the chat's seq must stay gap-free, a send that
// failed must have failed with a retryable 503 (not hung), and sends must succeed again by themselves.
// Skipped, with the reason, only when the PostgreSQL binaries are missing and CI is not set.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import type { Socket } from 'socket.io-client'
import { runMigrations } from '../src/migrate'
import {
  createGroup,
  createUser,
  eventually,
  rawSocket,
  sleep,
  socketCall,
  startServer,
  type TestServer
} from './helpers'

/** initdb and pg_ctl of the newest PostgreSQL installed the Debian way, if any. */
const findBinaries = () => {
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  for (const version of versions) {
    const bin = path.join(root, version, 'bin')
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl'))) return bin
  }
  return undefined
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/** A throwaway cluster. PostgreSQL refuses to run as root, so as root it runs as the OS user postgres. */
class PrivateCluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-restart-'))
  readonly data = path.join(this.dir, 'data')
  private readonly asRoot = process.getuid?.() === 0

  constructor(
    private readonly bin: string,
    readonly port: number
  ) {
    if (this.asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
      fs.chownSync(this.dir, uid, gid)
    }
  }

  private run(tool: string, args: string[]) {
    const command = path.join(this.bin, tool)
    const [file, argv] = this.asRoot
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args]
    const result = spawnSync(file, argv, { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stdout}${result.stderr}`)
  }

  init = () => this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  start = () =>
    this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start'
    ])
  stop = () => this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop'])
  url = () => `postgres://postgres@127.0.0.1:${this.port}/postgres`
  destroy = () => {
    try {
      this.stop()
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

interface Send {
  n: number
  at: number
  ms: number
  ok: boolean
  messageId?: string
  code?: number
  name?: string
}

describe('faults: PostgreSQL restarts under a sending client', function () {
  this.timeout(60_000)
  const bin = findBinaries()
  let cluster: PrivateCluster | undefined
  let server: TestServer | undefined
  let db: Knex | undefined
  let socket: Socket | undefined

  before(async function () {
    if (!bin) {
      if (process.env.CI === 'true') throw new Error('CI=true but no initdb/pg_ctl under /usr/lib/postgresql')
      console.log('    (skipped: no PostgreSQL binaries under /usr/lib/postgresql/*/bin)')
      return this.skip()
    }
    cluster = new PrivateCluster(bin, await freePort())
    cluster.init()
    cluster.start()
    const migrator = knex({ client: 'pg', connection: cluster.url() })
    await runMigrations(migrator)
    await migrator.destroy() // an idle connection would only report the restart on the console
    server = await startServer({ settings: { database: { url: cluster.url() } } })
  })
  after(async () => {
    socket?.close()
    await server?.stop()
    await db?.destroy()
    cluster?.destroy()
  })

  it('fails fast with 503 while it is down, stores every acknowledged send gap-free, and reconnects by itself', async () => {
    const url = server!.url
    const alice = await createUser(url, 'Restart Alice')
    const bob = await createUser(url, 'Restart Bob')
    const { chat_id } = await createGroup(url, alice, 'restart', [bob])
    socket = await rawSocket(url, alice.access_token)

    // Sequential sends until told to stop; each answer must come within 10 s (a hang fails the test).
    const sends: Send[] = []
    let sending = true
    const sender = (async () => {
      for (let n = 1; sending; n++) {
        const at = Date.now()
        const { error, result: message } = await socketCall(
          socket!,
          'create',
          [`api/chats/${chat_id}/messages`, { content: `message ${n}`, client_id: `restart-${n}` }, {}],
          { timeoutMs: 10_000, timeoutMessage: `send ${n} got no answer within 10 s` }
        )
        sends.push({
          n,
          at,
          ms: Date.now() - at,
          ok: !error,
          messageId: message?.message_id,
          code: error?.code,
          name: error?.name
        })
        await sleep(20) // a client typing, not a flood
      }
    })()
    const acked = () => sends.filter((s) => s.ok).length

    await eventually(() => assert.ok(acked() >= 10), 10_000)
    const stoppedAt = Date.now()
    cluster!.stop()
    await sleep(1500) // the outage: PostgreSQL is down for this long at least
    cluster!.start()
    const startedAt = Date.now()
    const ackedAtStart = acked()
    // The server reconnects by itself: sends succeed again without touching it.
    await eventually(() => assert.ok(acked() >= ackedAtStart + 10), 20_000)
    sending = false
    await sender

    const failed = sends.filter((s) => !s.ok)
    const firstBackAt = sends.find((s) => s.ok && s.at >= stoppedAt)?.at ?? NaN
    console.log(
      `    (PostgreSQL down ${startedAt - stoppedAt} ms; sends failing for ${firstBackAt - stoppedAt} ms; ` +
        `${sends.length} sends: ${acked()} acknowledged, ${failed.length} failed ` +
        `[${[...new Set(failed.map((s) => `${s.code} ${s.name}`))].join(', ')}], ` +
        `slowest answer ${Math.max(...sends.map((s) => s.ms))} ms)`
    )

    assert.ok(failed.length > 0, 'sends made while PostgreSQL was down must fail')
    for (const send of failed) {
      assert.equal(
        send.code,
        503,
        `send ${send.n} failed with ${send.code} ${send.name}, not a retryable 503`
      )
      // Fast: well under the pool's 5 s acquire timeout, which a send waiting for a connection would hit.
      assert.ok(send.ms < 3000, `send ${send.n} took ${send.ms} ms to fail`)
    }
    // Every acknowledged message is committed; the chat's sequence has no gap and no duplicate.
    db = knex({ client: 'pg', connection: cluster!.url() })
    const rows = await db('messages').where({ chat_id }).orderBy('seq').select('message_id', 'seq')
    const stored = new Set(rows.map((r) => r.message_id))
    const missing = sends.filter((s) => s.ok && !stored.has(s.messageId!)).map((s) => s.n)
    assert.deepEqual(missing, [], 'acknowledged sends missing from PostgreSQL')
    assert.deepEqual(
      rows.map((r) => Number(r.seq)),
      rows.map((_, i) => i + 1),
      'seq is gap-free from 1'
    )
  })
})

// S1, idle connections: memory per authenticated Socket.IO socket on ONE chat server process, against a bare
// Socket.IO server holding the same number of sockets: bench/baseline-socketio.ts (B0; each socket joins one
// room per chat, the analogue of our chat channels), or bench/baseline-idle.ts (plain sockets) when that file
// is missing or BENCH_IDLE_BASELINE=plain.
//
// Setup (SQL, not the API): USERS users sharing one bcrypt hash (cost 4, so the REST logins are cheap), each a
// member of 5 chats (4 private chats with its ring neighbours, 1 group of 10), so every authenticated
// connection joins 7 channels (users/<id>, 5 × chats/<id>, authenticated). Each user logs in once over REST;
// SOCKETS sockets (20 per user) then authenticate with the JWT strategy over the Feathers wire protocol
// (`create` on `api/authentication`), from WORKERS client processes, each socket its own Manager (forceNew).
//
// Measured, the same way for both servers: the ramp runs in STEPS equal steps; after each step a full GC is
// forced through the inspector (the server runs with --inspect on loopback; src/ is not touched) and RSS
// (/proc) and heapUsed are sampled. KB/socket is the least-squares slope over steps 1..STEPS (step 0 → 1 carries
// one-off JIT and module costs). Server CPU per connect comes from /proc. Then an idle window (event-loop delay
// p99 through perf_hooks, sockets still connected); then 100 sockets disconnect while the rest stay (server CPU
// per disconnect), then all the others at once (sockets the server has closed, read from /proc/net/tcp).
// BENCH_CPU_PROF=<dir>: CPU profiles of our server's ramp and disconnect phases (through the inspector).
//   npx tsx bench/idle.ts            (BENCH_IDLE_SOCKETS=2000 for a quick run)
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import bcrypt from 'bcryptjs'
import { ulid } from 'ulid'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { progress, round, type ScenarioRow, runStandalone } from './lib/results'
import { Inspector } from './lib/inspector'
import {
  cpuSeconds,
  createBenchDatabase,
  freePort,
  root,
  rssBytes,
  startProcess,
  type BenchDatabase,
  type ServerProcess
} from './lib/environment'

const SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000)
const USERS = Math.max(10, Math.min(500, Math.ceil(SOCKETS / 20)))
const WORKERS = 4
const STEPS = 10
const CONCURRENCY_PER_WORKER = 64
const IDLE_MS = 3000
const DRAIN_LIMIT_MS = 15_000
const CHURN_PER_WORKER = 25
const PASSWORD = 'bench-password'
const KB = 1024

// ---------------------------------------------------------------------------------------------------------
// Client worker (a child process running this same file with BENCH_IDLE_WORKER=1)

type WorkerCommand =
  | { cmd: 'open'; url: string; tokens: string[] }
  | { cmd: 'count' }
  | { cmd: 'close'; count?: number }
  | { cmd: 'exit' }

interface OpenReply {
  ok: number
  failed: number
  error?: string
}

interface CountReply {
  connected: number
  dropped: number
}

const workerMain = () => {
  const sockets: Socket[] = []
  let dropped = 0
  const reply = (message: unknown) => process.send!(message)

  const openOne = (url: string, token: string) =>
    new Promise<string | undefined>((resolve) => {
      const socket = connectSocket(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: 30_000
      })
      sockets.push(socket)
      socket.once('connect_error', (error) => resolve(`connect_error: ${error.message}`))
      socket.once('connect', () => {
        socket
          .timeout(30_000)
          .emit(
            'create',
            'api/authentication',
            { strategy: 'jwt', accessToken: token },
            (timeout: Error | null, error: any, result: any) => {
              if (timeout) return resolve(`authentication timed out`)
              if (error) return resolve(`authentication failed: ${error.name}: ${error.message}`)
              if (!result?.accessToken) return resolve('authentication answered without accessToken')
              socket.once('disconnect', () => dropped++)
              resolve(undefined)
            }
          )
      })
    })

  process.on('message', async (message: WorkerCommand) => {
    if (message.cmd === 'open') {
      const result: OpenReply = { ok: 0, failed: 0 }
      let next = 0
      const lane = async () => {
        while (next < message.tokens.length) {
          const error = await openOne(message.url, message.tokens[next++])
          if (error) {
            result.failed++
            result.error ??= error
          } else result.ok++
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY_PER_WORKER }, lane))
      reply(result)
    } else if (message.cmd === 'count') {
      reply({ connected: sockets.filter((s) => s.connected).length, dropped } satisfies CountReply)
    } else if (message.cmd === 'close') {
      const closing = sockets.splice(0, message.count ?? sockets.length)
      for (const socket of closing) {
        socket.removeAllListeners('disconnect')
        socket.disconnect()
      }
      if (sockets.length === 0) dropped = 0
      reply({})
    } else if (message.cmd === 'exit') {
      process.exit(0)
    }
  })
  reply({ ready: true })
}

class Workers {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(count: number) {
    const children = Array.from({ length: count }, () =>
      fork(__filename, [], {
        cwd: root,
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, BENCH_IDLE_WORKER: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc']
      })
    )
    await Promise.all(children.map((child) => once(child, 'message')))
    return new Workers(children)
  }

  get pids() {
    return this.children.map((c) => c.pid!)
  }

  private ask<T>(child: ChildProcess, command: WorkerCommand): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`client worker exited with ${code}`))
      child.once('exit', onExit)
      child.once('message', (message) => {
        child.off('exit', onExit)
        resolve(message as T)
      })
      child.send(command)
    })
  }

  /** Opens and authenticates one socket per token, the tokens split evenly over the workers. */
  async open(url: string, tokens: string[]): Promise<OpenReply> {
    const parts = this.children.map((_, i) => tokens.filter((_t, j) => j % this.children.length === i))
    const replies = await Promise.all(
      this.children.map((child, i) => this.ask<OpenReply>(child, { cmd: 'open', url, tokens: parts[i] }))
    )
    return {
      ok: replies.reduce((n, r) => n + r.ok, 0),
      failed: replies.reduce((n, r) => n + r.failed, 0),
      error: replies.find((r) => r.error)?.error
    }
  }

  async count(): Promise<CountReply> {
    const replies = await Promise.all(this.children.map((c) => this.ask<CountReply>(c, { cmd: 'count' })))
    return {
      connected: replies.reduce((n, r) => n + r.connected, 0),
      dropped: replies.reduce((n, r) => n + r.dropped, 0)
    }
  }

  /** Disconnects every socket, or `perWorker` sockets of each worker. */
  async close(perWorker?: number) {
    await Promise.all(this.children.map((c) => this.ask(c, { cmd: 'close', count: perWorker })))
  }

  async cpu() {
    return (await Promise.all(this.pids.map(cpuSeconds))).reduce((a, b) => a + b, 0)
  }

  async stop() {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null) return
        const exited = once(child, 'exit')
        child.send({ cmd: 'exit' })
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      })
    )
  }
}

// ---------------------------------------------------------------------------------------------------------
// Seeding and tokens

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** USERS users, 4 private chats each (ring neighbours ±1, ±2) and groups of 10: 5 chats per user. */
const seed = async ({ db }: BenchDatabase) => {
  const hash = bcrypt.hashSync(PASSWORD, 4)
  const users = Array.from({ length: USERS }, (_, i) => ({
    user_id: ulid(),
    email: `idle${i}@bench.test`,
    name: `Idle user ${i}`,
    password_hash: hash
  }))
  await db.batchInsert('users', users, 500)
  const chats: any[] = []
  const participants: any[] = []
  for (let i = 0; i < USERS; i++) {
    for (const step of [1, 2]) {
      const pair = [users[i].user_id, users[(i + step) % USERS].user_id]
      const chat_id = ulid()
      chats.push({ chat_id, type: 'private', private_key: [...pair].sort().join(':'), created_by: pair[0] })
      for (const user_id of pair) participants.push({ chat_id, user_id })
    }
  }
  const groups: any[] = []
  const groupMembers: any[] = []
  for (let g = 0; g * 10 < USERS; g++) {
    const members = users.slice(g * 10, g * 10 + 10)
    const chat_id = ulid()
    const group_id = ulid()
    chats.push({ chat_id, type: 'group', name: `Idle group ${g}`, created_by: members[0].user_id })
    groups.push({
      group_id,
      chat_id,
      name: `Idle group ${g}`,
      owner_id: members[0].user_id,
      member_count: members.length
    })
    members.forEach(({ user_id }, k) => {
      participants.push({ chat_id, user_id })
      groupMembers.push({ group_id, user_id, role: k === 0 ? 'owner' : 'member' })
    })
  }
  await db.batchInsert('chats', chats, 500)
  await db.batchInsert('chat_participants', participants, 1000)
  await db.batchInsert('groups', groups, 500)
  await db.batchInsert('group_members', groupMembers, 1000)
  const chatsOf = new Map<string, string[]>(users.map((u) => [u.user_id, []]))
  for (const { chat_id, user_id } of participants) chatsOf.get(user_id)!.push(chat_id)
  return { users, chatsOf }
}

/** GET `url` on a connection of its own that the server closes after the answer; the body as text. */
const getClosing = (url: string) =>
  new Promise<string>((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve(body))
        res.on('error', reject)
      })
      .on('error', reject)
  })

/** One REST login per user (each starts a session); returns their access tokens. */
const login = async (url: string, users: Array<{ email: string }>) => {
  const tokens: string[] = new Array(users.length)
  let next = 0
  const lane = async () => {
    while (next < users.length) {
      const i = next++
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: users[i].email, password: PASSWORD })
      })
      const body: any = await res.json()
      if (res.status !== 200 || !body.access_token)
        throw new Error(`login ${users[i].email}: ${res.status} ${JSON.stringify(body)}`)
      tokens[i] = body.access_token
    }
  }
  await Promise.all(Array.from({ length: 8 }, lane))
  return tokens
}

// ---------------------------------------------------------------------------------------------------------
// One server under test

interface Sample {
  sockets: number
  rss: number
  heap: number
}

interface Measurement {
  samples: Sample[]
  connectSeconds: number
  opened: number
  failed: number
  error?: string
  serverCpuConnect: number
  clientCpuConnect: number
  heldClient: number
  dropped: number
  heldServer: number
  loopDelay: { p99: number; max: number }
  churnClosed: number
  churnSeconds: number
  churnCpu: number
  massCount: number
  drainSeconds: number
  drained: boolean
  drainRemaining: number
  drainCpu: number
}

/** Least-squares slope of y over x. */
const slope = (points: Array<[number, number]>) => {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return sxx === 0 ? NaN : sxy / sxx
}

const saveProfile = async (inspector: Inspector, file: string) => {
  await inspector.stopProfile(file)
  progress(`CPU profile written to ${file}`)
}

const measure = async (
  label: string,
  server: ServerProcess,
  inspector: Inspector,
  workers: Workers,
  tokens: string[],
  beforeDrain?: () => Promise<void>
): Promise<Measurement> => {
  const sample = async (sockets: number): Promise<Sample> => {
    const { heap } = await inspector.heapAfterGc()
    return { sockets, heap, rss: await rssBytes(server.pid) }
  }
  await sleep(1000)
  const samples = [await sample(0)]
  const profile = label === 'ours' ? process.env.BENCH_CPU_PROF : undefined
  if (profile) await inspector.startProfile()
  const perStep = Math.ceil(SOCKETS / STEPS)
  let connectMs = 0
  let opened = 0
  let failed = 0
  let error: string | undefined
  let serverCpuConnect = 0
  let clientCpuConnect = 0
  for (let done = 0; done < SOCKETS;) {
    const batch = Array.from(
      { length: Math.min(perStep, SOCKETS - done) },
      (_, k) => tokens[(done + k) % tokens.length]
    )
    const [serverCpu0, clientCpu0] = [await cpuSeconds(server.pid), await workers.cpu()]
    const start = performance.now()
    const result = await workers.open(server.url, batch)
    connectMs += performance.now() - start
    serverCpuConnect += (await cpuSeconds(server.pid)) - serverCpu0
    clientCpuConnect += (await workers.cpu()) - clientCpu0
    opened += result.ok
    failed += result.failed
    error ??= result.error
    done += batch.length
    samples.push(await sample(opened))
    const last = samples[samples.length - 1]
    progress(
      `idle/${label}: ${opened} authenticated${failed ? `, ${failed} failed (${error})` : ''}; ` +
        `RSS ${round(last.rss / 2 ** 20, 1)} MB, heap ${round(last.heap / 2 ** 20, 1)} MB`
    )
  }

  if (profile) await saveProfile(inspector, path.join(profile, `idle-${label}-connect.cpuprofile`))
  progress(`idle/${label}: idle for ${IDLE_MS / 1000} s`)
  await inspector.startLoopDelay()
  await sleep(IDLE_MS)
  const loopDelay = await inspector.readLoopDelay()
  await beforeDrain?.()
  const held = await workers.count()
  const heldServer = await openServerSockets(server.port)

  // A few disconnects while the others stay: the cost of ordinary churn at this many connections.
  const churnCount = CHURN_PER_WORKER * WORKERS
  progress(`idle/${label}: disconnecting ${churnCount} of ${heldServer} sockets`)
  const churnCpu0 = await cpuSeconds(server.pid)
  const churnStart = performance.now()
  await workers.close(CHURN_PER_WORKER)
  let churnRemaining: number
  for (;;) {
    churnRemaining = (await openServerSockets(server.port)) - (heldServer - churnCount)
    if (churnRemaining <= 0 || performance.now() - churnStart > DRAIN_LIMIT_MS) break
    await sleep(100)
  }
  const churnSeconds = (performance.now() - churnStart) / 1000
  const churnCpu = (await cpuSeconds(server.pid)) - churnCpu0
  const churnClosed = churnCount - Math.max(0, churnRemaining)

  // Then all the others at once (a network blip, a load balancer restart).
  const massCount = heldServer - churnClosed
  progress(`idle/${label}: disconnecting the other ${massCount} sockets at once`)
  const drainCpu0 = await cpuSeconds(server.pid)
  const drainStart = performance.now()
  if (profile) await inspector.startProfile()
  await workers.close()
  let remaining: number
  for (;;) {
    remaining = await openServerSockets(server.port)
    if (remaining === 0 || performance.now() - drainStart > DRAIN_LIMIT_MS) break
    await sleep(200)
  }
  const drainSeconds = (performance.now() - drainStart) / 1000
  const drainCpu = (await cpuSeconds(server.pid)) - drainCpu0
  if (profile) await saveProfile(inspector, path.join(profile, `idle-${label}-disconnect.cpuprofile`))
  progress(
    `idle/${label}: ${remaining === 0 ? 'drained' : `${remaining} still open`} after ${round(drainSeconds, 1)} s`
  )
  return {
    samples,
    connectSeconds: connectMs / 1000,
    opened,
    failed,
    error,
    serverCpuConnect,
    clientCpuConnect,
    heldClient: held.connected,
    dropped: held.dropped,
    heldServer,
    loopDelay,
    churnClosed,
    churnSeconds,
    churnCpu,
    massCount,
    drainSeconds,
    drained: remaining === 0,
    drainRemaining: remaining,
    drainCpu
  }
}

/**
 * TCP connections the server process has not closed yet on its port (ESTABLISHED or CLOSE_WAIT in
 * /proc/net/tcp): read from the kernel, so it answers even while the server's event loop is busy.
 */
const openServerSockets = async (port: number) => {
  const fs = await import('node:fs/promises')
  const table = await fs.readFile('/proc/net/tcp', 'utf8')
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  let count = 0
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields[1]?.endsWith(`:${hexPort}`) && (fields[3] === '01' || fields[3] === '08')) count++
  }
  return count
}

const metricValue = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN
}

const baselineKind = () =>
  process.env.BENCH_IDLE_BASELINE === 'plain' || !existsSync(path.join(__dirname, 'baseline-socketio.ts'))
    ? 'plain'
    : 'socketio'
const baselineScript = () =>
  baselineKind() === 'plain' ? 'bench/baseline-idle.ts' : 'bench/baseline-socketio.ts'

// ---------------------------------------------------------------------------------------------------------

export async function run(): Promise<ScenarioRow[]> {
  progress(`idle: ${SOCKETS} sockets, ${USERS} users, ${WORKERS} client processes`)
  const database = await createBenchDatabase('idle')
  let workers: Workers | undefined
  let server: ServerProcess | undefined
  let inspector: Inspector | undefined
  const stopServer = async () => {
    inspector?.close()
    inspector = undefined
    await server?.stop()
    server = undefined
  }
  try {
    const { users, chatsOf } = await seed(database)
    workers = await Workers.start(WORKERS)

    // Ours: the chat server, one process, PostgreSQL, no Redis (single instance).
    let inspectPort = await freePort()
    server = await startProcess(
      { DATABASE_URL: database.url },
      { nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`] }
    )
    inspector = await Inspector.connect(inspectPort)
    progress(`idle/ours: logging ${users.length} users in over REST`)
    const userTokens = await login(server.url, users)
    const oursUrl = server.url
    let authenticatedUsers = NaN
    let feathersConnections = NaN
    const ours = await measure('ours', server, inspector, workers, userTokens, async () => {
      // Connection: close (no agent), so no idle keep-alive connection is left for the churn count to wait out:
      // the churn below took 3 s for 100 sockets while fetch's keep-alive connection was still open.
      const text = await getClosing(`${oursUrl}/metrics`)
      authenticatedUsers = metricValue(text, 'chat_authenticated_users')
      feathersConnections = metricValue(text, 'chat_socket_connections')
    })
    await stopServer()

    // Baseline: bare Socket.IO. bench/baseline-socketio.ts (B0 of the fan-out scenario: joins a room per chat
    // listed in its fake token, as our server joins chat channels) when it exists, else the plain one.
    const plain = baselineKind() === 'plain'
    inspectPort = await freePort()
    server = await startProcess(
      {},
      { script: baselineScript(), waitFor: 'port', nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`] }
    )
    inspector = await Inspector.connect(inspectPort)
    const bareTokens = plain
      ? userTokens
      : users.map((u) => `baseline:${u.user_id}:${chatsOf.get(u.user_id)!.join(',')}`)
    const bare = await measure('bare', server, inspector, workers, bareTokens)
    await stopServer()

    return rows(ours, bare, { authenticatedUsers, feathersConnections })
  } finally {
    await stopServer().catch(() => undefined)
    await workers?.stop()
    await database.drop()
  }
}

const rows = (
  ours: Measurement,
  bare: Measurement,
  { authenticatedUsers, feathersConnections }: { authenticatedUsers: number; feathersConnections: number }
): ScenarioRow[] => {
  const perSocket = (m: Measurement, key: 'rss' | 'heap') =>
    slope(m.samples.slice(1).map((s) => [s.sockets, s[key]] as [number, number])) / KB
  const naive = (m: Measurement, key: 'rss' | 'heap') => {
    const first = m.samples[0]
    const last = m.samples[m.samples.length - 1]
    return (last[key] - first[key]) / Math.max(1, last.sockets) / KB
  }
  const lowerRatio = (o: number, b: number) => round(b / o, 2)
  const drainRate = (m: Measurement) => (m.massCount - m.drainRemaining) / m.drainSeconds
  const churnCpu = (m: Measurement) => (m.churnCpu / Math.max(1, m.churnClosed)) * 1000
  const connectCpu = (m: Measurement) => (m.serverCpuConnect / Math.max(1, m.opened)) * 1000
  const higherRatio = (o: number, b: number) => round(o / b, 2)
  const last = (m: Measurement) => m.samples[m.samples.length - 1]
  const oursRss = perSocket(ours, 'rss')
  const bareRss = perSocket(bare, 'rss')
  const oursHeap = perSocket(ours, 'heap')
  const bareHeap = perSocket(bare, 'heap')
  const baselineName =
    baselineKind() === 'plain'
      ? 'bare Socket.IO, plain sockets (bench/baseline-idle.ts)'
      : 'bare Socket.IO, sockets in 5 rooms (bench/baseline-socketio.ts)'
  const oursRate = ours.opened / ours.connectSeconds
  const bareRate = bare.opened / bare.connectSeconds
  const failures = ours.failed ? `; ${ours.failed} failed: ${ours.error}` : ''
  return [
    {
      scenario: 'idle',
      metric: 'RSS per authenticated socket',
      unit: 'KB',
      ours: round(oursRss, 1),
      baseline: round(bareRss, 1),
      baselineName,
      ratio: lowerRatio(oursRss, bareRss),
      better: 'lower',
      target: '≤ 20 KB',
      met: oursRss <= 20,
      note:
        `slope over ${STEPS} steps after forced GC; ours ${round(oursRss / bareRss, 2)}× bare (design: ≤ 2×); ` +
        `(end−start)/N ${round(naive(ours, 'rss'), 1)} vs ${round(naive(bare, 'rss'), 1)} KB; ` +
        `RSS at ${last(ours).sockets}: ${round(last(ours).rss / 2 ** 20)} MB vs ${round(last(bare).rss / 2 ** 20)} MB`
    },
    {
      scenario: 'idle',
      metric: 'V8 heap per authenticated socket',
      unit: 'KB',
      ours: round(oursHeap, 1),
      baseline: round(bareHeap, 1),
      baselineName,
      ratio: lowerRatio(oursHeap, bareHeap),
      better: 'lower',
      target: '≤ 20 KB',
      met: oursHeap <= 20,
      note: `heapUsed after forced GC (inspector), slope; heap at ${last(ours).sockets}: ${round(last(ours).heap / 2 ** 20)} MB vs ${round(last(bare).heap / 2 ** 20)} MB`
    },
    {
      scenario: 'idle',
      metric: 'authenticated sockets held',
      unit: 'sockets',
      ours: ours.heldClient,
      baseline: bare.heldClient,
      baselineName,
      ratio: higherRatio(ours.heldClient, bare.heldClient),
      better: 'higher',
      target: `${SOCKETS.toLocaleString('en-US')} on one process`,
      met: ours.heldClient >= SOCKETS && ours.failed === 0,
      note:
        `after ${IDLE_MS / 1000} s idle; server holds ${ours.heldServer} TCP connections, Feathers counts ` +
        `${feathersConnections} connections and ${authenticatedUsers} users online; ` +
        `${ours.dropped} dropped${failures}`
    },
    {
      scenario: 'idle',
      metric: 'connect + authenticate rate',
      unit: 'sockets/s',
      ours: round(oursRate, 0),
      baseline: round(bareRate, 0),
      baselineName,
      ratio: higherRatio(oursRate, bareRate),
      better: 'higher',
      note:
        `wall clock, ${WORKERS} client processes × ${CONCURRENCY_PER_WORKER} in flight; ` +
        `client CPU ${round(ours.clientCpuConnect, 1)} s over ${round(ours.connectSeconds, 1)} s (ours), ` +
        `${round(bare.clientCpuConnect, 1)} s over ${round(bare.connectSeconds, 1)} s (bare)`
    },
    {
      scenario: 'idle',
      metric: 'server CPU per connect + authenticate',
      unit: 'ms',
      ours: round(connectCpu(ours), 2),
      baseline: round(connectCpu(bare), 2),
      baselineName,
      ratio: lowerRatio(connectCpu(ours), connectCpu(bare)),
      better: 'lower',
      note: 'user+system CPU of the server process (/proc) over the ramp ÷ sockets; independent of other load on the box'
    },
    {
      scenario: 'idle',
      metric: `event-loop delay p99 at ${SOCKETS} idle`,
      unit: 'ms',
      ours: round(ours.loopDelay.p99, 2),
      baseline: round(bare.loopDelay.p99, 2),
      baselineName,
      ratio: lowerRatio(Math.max(ours.loopDelay.p99, 0.01), Math.max(bare.loopDelay.p99, 0.01)),
      better: 'lower',
      target: '< 20 ms',
      met: ours.loopDelay.p99 < 20,
      note: `perf_hooks histogram inside the server over ${IDLE_MS / 1000} s; max ${round(ours.loopDelay.max, 1)} vs ${round(bare.loopDelay.max, 1)} ms`
    },
    {
      scenario: 'idle',
      metric: `server CPU per disconnect (${CHURN_PER_WORKER * WORKERS} of ${SOCKETS}, the rest stay)`,
      unit: 'ms',
      ours: round(churnCpu(ours), 2),
      baseline: round(churnCpu(bare), 2),
      baselineName,
      ratio: lowerRatio(churnCpu(ours), churnCpu(bare)),
      better: 'lower',
      note:
        `${ours.churnClosed} closed in ${round(ours.churnSeconds, 1)} s (bare ${bare.churnClosed} in ${round(bare.churnSeconds, 1)} s); ` +
        'grows with the connections held: each disconnect walks every channel (see bench/README.md)'
    },
    {
      scenario: 'idle',
      metric: `sockets closed/s when ${ours.massCount} disconnect at once`,
      unit: '/s',
      ours: round(drainRate(ours), 0),
      baseline: round(drainRate(bare), 0),
      baselineName,
      ratio: higherRatio(drainRate(ours), drainRate(bare)),
      better: 'higher',
      note:
        (ours.drained
          ? `all closed after ${round(ours.drainSeconds, 1)} s`
          : `${ours.drainRemaining} of ${ours.massCount} still open after ${round(ours.drainSeconds, 1)} s`) +
        ` (bare: ${bare.drained ? 'all' : bare.massCount - bare.drainRemaining} closed in ${round(bare.drainSeconds, 1)} s); ` +
        `server CPU ${round(ours.drainCpu, 1)} vs ${round(bare.drainCpu, 1)} s; wall clock`
    }
  ]
}

if (process.env.BENCH_IDLE_WORKER === '1') {
  workerMain()
} else runStandalone(module, run)

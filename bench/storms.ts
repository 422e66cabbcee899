// Storms: many sockets at once.
//
// 1. Connection storm. STORM_SOCKETS sockets (websocket transport), each with a DISTINCT access token (one
//    user and one live session each, seeded in SQL: bench/lib/storm-seed.ts), all opened at the same instant
//    from STORM_WORKERS client processes, each sending the Feathers `create` on `api/authentication` with
//    `{strategy: 'jwt', accessToken}`. Every user is in 5 chats (4 private, 1 group of 10), so each
//    authentication loads a user, checks a session, lists the user's chats and joins 7 channels before it
//    answers. Measured: first connect → last authenticated answer, server CPU per socket (/proc), errors.
//    Our server: one process, PostgreSQL, no Redis (as bench/idle.ts). Baseline B0: bench/baseline-socketio.ts
//    (its fake token joins one room per chat), same client processes, same sockets.
// 2. Reconnect storm. Two instances of ours linked by Redis (a REDIS_KEY_PREFIX of this run, removed after),
//    RECONNECT_SOCKETS clients authenticated on A, RECONNECT_SENDERS senders on B sending RECONNECT_RATE msg/s
//    (open loop) into the groups of those clients. After RECONNECT_WARM_MS, A is SIGKILLed. Each client then
//    connects to B, re-authenticates, and catches up each of its chats with `find` on
//    `api/chats/:chat_id/messages?after_seq=<highest seq held without a gap>` until `has_more` is false, live
//    events merged by seq (bench/lib/storm-worker.ts). Measured: kill → every client re-authenticated, kill →
//    every client caught up, server CPU of B meanwhile; then the senders stop and every acknowledged message is
//    checked in every member's copy: lost, held under another id, duplicated. Baseline B0: two bare Socket.IO
//    processes, the first killed, the clients re-authenticating on the second (no history there, so no
//    catch-up: it bounds the reconnect part); the same senders at the same rate on the second.
//   npx tsx bench/storms.ts          (STORM_SOCKETS=1000 RECONNECT_SOCKETS=500 for a quick run)
// Environment: STORM_SOCKETS (10000), RECONNECT_SOCKETS (5000), STORM_WORKERS (4), RECONNECT_SENDERS (4),
// RECONNECT_RATE (200 msg/s), RECONNECT_WARM_MS (3000), STORM_ONLY (connect | reconnect).
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Redis } from 'ioredis'
import { cpuSeconds, redisUrl, root, startProcess, type ServerProcess } from './lib/environment'
import { progress, round, summarize, type ScenarioRow, runStandalone } from './lib/results'
import { Resources, runParts, type ScenarioPart } from './lib/scenario-helpers'
import { baselineToken, mintTokens, seedWorld, STORM_JWT_SECRET, type StormUser } from './lib/storm-seed'

const STORM_SOCKETS = Number(process.env.STORM_SOCKETS ?? 10_000)
const RECONNECT_SOCKETS = Number(process.env.RECONNECT_SOCKETS ?? 5000)
const WORKERS = Math.max(1, Number(process.env.STORM_WORKERS ?? 4))
const SENDERS = Math.max(1, Number(process.env.RECONNECT_SENDERS ?? 4))
const RATE = Number(process.env.RECONNECT_RATE ?? 200)
const WARM_MS = Number(process.env.RECONNECT_WARM_MS ?? 3000)
const ONLY = process.env.STORM_ONLY
const STORM_LIMIT_MS = Number(process.env.STORM_LIMIT_MS ?? 30_000)
const RECONNECT_DELAY_MS = Number(process.env.RECONNECT_DELAY_MS ?? 1000)
const RECOVERY_LIMIT_MS = Number(process.env.RECONNECT_LIMIT_MS ?? 30_000)
const HOLD_IN_FLIGHT = 32
const DRAIN_LIMIT_MS = 15_000
const BASELINE_SCRIPT = 'bench/baseline-socketio.ts'
const B0 = 'B0 bare Socket.IO (bench/baseline-socketio.ts)'

const now = () => Number(process.hrtime.bigint()) / 1e6
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
type Kinds = Record<string, number>
const mergeKinds = (list: Kinds[]) => {
  const out: Kinds = {}
  for (const kinds of list) for (const [k, n] of Object.entries(kinds)) out[k] = (out[k] ?? 0) + n
  return out
}
const kindsText = (kinds: Kinds) =>
  Object.entries(kinds)
    .sort((x, y) => y[1] - x[1])
    .map(([k, n]) => `${n}× ${k}`)
    .join('; ') || 'none'

/** JSON turns ±Infinity (Math.max of nothing) into null. */
const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? NaN : x)

// ---------------------------------------------------------------------------------------------------------
// Client processes (bench/lib/storm-worker.ts), each connecting from its own loopback address so the
// ephemeral ports of one source address (~28k) are never the limit.

class StormWorkers {
  private nextId = 1
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(count: number, firstAddress: number) {
    const children = Array.from({ length: count }, (_, i) =>
      fork(path.join(__dirname, 'lib', 'storm-worker.ts'), [], {
        cwd: root,
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, STORM_LOCAL_ADDRESS: `127.0.0.${firstAddress + i}` },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc']
      })
    )
    await Promise.all(children.map((child) => once(child, 'message')))
    return new StormWorkers(children)
  }

  get size() {
    return this.children.length
  }

  ask<T = any>(i: number, cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const child = this.children[i]
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`storm worker exited with ${code}`))
      const onMessage = (message: any) => {
        if (message?.id !== id) return
        child.off('message', onMessage)
        child.off('exit', onExit)
        if (message.error) reject(new Error(`storm worker: ${message.error}`))
        else resolve(message.result as T)
      }
      child.once('exit', onExit)
      child.on('message', onMessage)
      child.send({ id, cmd, ...args })
    })
  }

  all<T = any>(cmd: string, args: (i: number) => Record<string, unknown> = () => ({})): Promise<T[]> {
    return Promise.all(this.children.map((_, i) => this.ask<T>(i, cmd, args(i))))
  }

  /** Item j of `items` goes to worker j % size. */
  part<T>(items: T[], i: number) {
    return items.filter((_, j) => j % this.children.length === i)
  }

  async cpu() {
    return sum(await Promise.all(this.children.map((c) => cpuSeconds(c.pid!))))
  }

  async stop() {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = once(child, 'exit')
        child.send({ cmd: 'exit' })
        await Promise.race([exited, sleep(2000)])
        if (child.exitCode === null) child.kill('SIGKILL')
      })
    )
  }
}

/**
 * TCP connections not yet closed by the process listening on `port` (ESTABLISHED or CLOSE_WAIT, /proc/net/tcp),
 * so that one run's closing sockets are gone before the next is timed.
 */
const openServerSockets = async (port: number) => {
  const table = await readFile('/proc/net/tcp', 'utf8')
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  let count = 0
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields[1]?.endsWith(hexPort) && (fields[3] === '01' || fields[3] === '08')) count++
  }
  return count
}

const closeAll = async (workers: StormWorkers, server: ServerProcess) => {
  await workers.all('close')
  const start = Date.now()
  while ((await openServerSockets(server.port)) > 0 && Date.now() - start < DRAIN_LIMIT_MS) await sleep(200)
}

const metricValue = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN
}

// ---------------------------------------------------------------------------------------------------------
// 1. Connection storm

interface StormReply {
  first: number
  ok: number
  failed: number
  lastAuthenticated: number | null
  lastConnected: number | null
  authenticatedAt: number[]
  errors: Kinds
}

interface StormResult {
  sockets: number
  seconds: number
  ok: number
  failed: number
  errors: Kinds
  serverCpu: number
  clientCpu: number
  p50: number
  p95: number
  lastConnected: number
}

const storm = async (
  workers: StormWorkers,
  server: ServerProcess,
  tokens: string[]
): Promise<StormResult> => {
  const [serverCpu0, clientCpu0] = [await cpuSeconds(server.pid), await workers.cpu()]
  const startAt = now() + 500
  const replies = await workers.all<StormReply>('storm', (i) => ({
    url: server.url,
    tokens: workers.part(tokens, i),
    startAt,
    limitMs: STORM_LIMIT_MS
  }))
  const serverCpu = (await cpuSeconds(server.pid)) - serverCpu0
  const clientCpu = (await workers.cpu()) - clientCpu0
  const first = Math.min(...replies.map((r) => r.first))
  const last = Math.max(...replies.map((r) => finite(r.lastAuthenticated)).filter((t) => !Number.isNaN(t)))
  const times = summarize(replies.flatMap((r) => r.authenticatedAt.map((t) => t + r.first - first)))
  return {
    sockets: tokens.length,
    seconds: (last - first) / 1000,
    ok: sum(replies.map((r) => r.ok)),
    failed: sum(replies.map((r) => r.failed)),
    errors: mergeKinds(replies.map((r) => r.errors)),
    serverCpu,
    clientCpu,
    p50: times.p50 / 1000,
    p95: times.p95 / 1000,
    lastConnected:
      (Math.max(...replies.map((r) => finite(r.lastConnected)).filter((t) => !Number.isNaN(t))) - first) /
      1000
  }
}

const stormNote = (label: string, r: StormResult) =>
  `${label}: ${r.ok}/${r.sockets} authenticated in ${round(r.seconds, 2)} s (p50 ${round(r.p50, 2)} s, p95 ` +
  `${round(r.p95, 2)} s; last TCP+Socket.IO connect at ${round(r.lastConnected, 2)} s), server CPU ` +
  `${round(r.serverCpu, 1)} s, client CPU ${round(r.clientCpu, 1)} s` +
  `; ${r.failed} failed; errors and 503 refusals met (refusals retried): ${kindsText(r.errors)}`

async function connectionStorm(res: Resources): Promise<ScenarioRow[]> {
  const db = await res.database('storms')
  progress(`storms/connect: seeding ${STORM_SOCKETS} users, one session each`)
  const { users } = await seedWorld(db.db, STORM_SOCKETS, 'storm')
  const workers = await StormWorkers.start(WORKERS, 20)
  try {
    const b0Server = await res.server({}, 'storm-b0', BASELINE_SCRIPT)
    progress(`storms/connect: B0, ${STORM_SOCKETS} sockets at once from ${WORKERS} processes`)
    const bare = await storm(workers, b0Server, users.map(baselineToken))
    progress(`storms/connect: ${stormNote('B0', bare)}`)
    await closeAll(workers, b0Server)
    await b0Server.stop()

    const server = await res.server({ DATABASE_URL: db.url, JWT_SECRET: STORM_JWT_SECRET }, 'storm')
    const tokens = await mintTokens(server.url, users[0], users)
    progress(`storms/connect: ours, ${STORM_SOCKETS} sockets at once, distinct tokens`)
    const ours = await storm(workers, server, tokens)
    progress(`storms/connect: ${stormNote('ours', ours)}`)
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text())
    const online = metricValue(metrics, 'chat_authenticated_users')
    const connections = metricValue(metrics, 'chat_socket_connections')
    server.child.kill('SIGKILL') // measured: draining its sockets gracefully would only add time
    await workers.all('close')

    const s = `connection storm (${STORM_SOCKETS} sockets, distinct tokens)`
    const cpuPer = (r: StormResult) => (r.serverCpu / Math.max(1, r.ok)) * 1000
    return [
      {
        scenario: s,
        metric: 'first connect → all authenticated and joined',
        unit: 's',
        // With failures, the storm lasted (at least) until the limit: that bound is the value.
        ours: round(ours.failed ? STORM_LIMIT_MS / 1000 : ours.seconds, 2),
        baseline: round(bare.seconds, 2),
        baselineName: B0,
        ratio: round(bare.seconds / ours.seconds, 3),
        better: 'lower',
        note:
          (ours.failed
            ? `NOT all authenticated: ${ours.failed} not within the ${STORM_LIMIT_MS / 1000} s limit (the value); `
            : '') +
          `all sockets opened at one instant from ${WORKERS} client processes; each user in 5 chats (7 channels ` +
          `joined before the answer); one process, PostgreSQL, no Redis. ${stormNote('ours', ours)}; ` +
          `${stormNote('B0', bare)}. After: server counts ${connections} connections, ${online} users online`
      },
      {
        scenario: s,
        metric: 'server CPU per socket (connect + authenticate + join)',
        unit: 'ms',
        ours: round(cpuPer(ours), 2),
        baseline: round(cpuPer(bare), 2),
        baselineName: B0,
        ratio: round(cpuPer(bare) / cpuPer(ours), 3),
        better: 'lower',
        note:
          'user+system CPU of the server process (/proc) from before the first connect to the last answer ÷ ' +
          'sockets; each token verified (signature, user, session) for the first time'
      },
      {
        scenario: s,
        metric: 'sockets that failed to connect or authenticate',
        unit: 'sockets',
        ours: ours.failed,
        baseline: bare.failed,
        baselineName: B0,
        better: 'lower',
        target: '0',
        met: ours.failed === 0 && ours.ok === STORM_SOCKETS,
        note: ours.failed
          ? kindsText(ours.errors)
          : 'connect_error, early disconnect, error or no answer in 60 s'
      }
    ]
  } finally {
    await workers.stop()
  }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Reconnect storm

interface Status {
  clients: number
  lost: number
  reauthenticated: number
  recovered: number
  failed: number
  retries: number
  firstLost: number | null
  lastReauthenticated: number | null
  lastRecovered: number | null
  reauthenticatedAt: number[]
  recoveredAt: number[]
  gapsAtRecovery: number
  liveEvents: number
  liveDuplicates: number
  pageMessages: number
  pageDuplicates: number
  seqConflicts: number
  pages: number
  pageErrors: number
  droppedBeforeArm: number
  errors: Kinds
}

interface Verification {
  expected: number
  missing: number
  wrong: number
  unacknowledged: number
  appDuplicates: number
  unverified: number
}

const total = (statuses: Status[], key: keyof Status) => sum(statuses.map((s) => s[key] as number))

interface ReconnectResult {
  held: number
  reauthSeconds: number
  recoverySeconds: number
  reauthP50: number
  recoveryP50: number
  cpuToReauth: number
  cpuToRecovery: number
  steadyCpuPerSecond: number
  complete: boolean
  reauthComplete: boolean
  status: Status[]
  verification: Verification
  acked: number
  sendErrors: number
  clientErrors: Kinds
  senderErrors: Kinds
}

const reconnectStorm = async (
  workers: StormWorkers,
  sender: StormWorkers,
  a: ServerProcess,
  b: ServerProcess,
  clients: Array<{ token: string; fallbackToken: string; chats: string[] }>,
  senders: Array<{ token: string; chats: string[] }>,
  catchUp: boolean,
  label: string
): Promise<ReconnectResult> => {
  const holdStart = now()
  const holdCpu0 = [await cpuSeconds(a.pid), await cpuSeconds(b.pid), await workers.cpu()]
  const held = await workers.all<{ held: number; failed: number; errors: Kinds }>('hold', (i) => ({
    url: a.url,
    specs: workers.part(clients, i),
    concurrency: HOLD_IN_FLIGHT
  }))
  const heldCount = sum(held.map((h) => h.held))
  const holdCpu = [await cpuSeconds(a.pid), await cpuSeconds(b.pid), await workers.cpu()].map((c, i) =>
    round(c - holdCpu0[i], 1)
  )
  const holdSeconds = (now() - holdStart) / 1000
  progress(
    `storms/reconnect ${label}: ${heldCount} held on A in ${round(holdSeconds, 1)} s ` +
      `(CPU s: A ${holdCpu[0]}, B ${holdCpu[1]}, clients ${holdCpu[2]})`
  )
  if (heldCount !== clients.length)
    throw new Error(
      `${label}: ${heldCount}/${clients.length} held (${kindsText(mergeKinds(held.map((h) => h.errors)))})`
    )
  await workers.all('arm', () => ({ fallbackUrl: b.url, catchUp, delayMs: RECONNECT_DELAY_MS }))
  await sender.ask(0, 'senders', { url: b.url, specs: senders })
  await sender.ask(0, 'send', { rate: RATE })
  progress(
    `storms/reconnect ${label}: ${heldCount} clients on A, ${RATE} msg/s from ${senders.length} senders on B`
  )
  const steady0 = await cpuSeconds(b.pid)
  await sleep(WARM_MS)
  const steadyCpuPerSecond = ((await cpuSeconds(b.pid)) - steady0) / (WARM_MS / 1000)

  const cpu0 = await cpuSeconds(b.pid)
  const killAt = now()
  a.child.kill('SIGKILL')
  let cpuToReauth = NaN
  let statuses: Status[]
  for (;;) {
    await sleep(100)
    statuses = await workers.all<Status>('status')
    const reauthenticated = total(statuses, 'reauthenticated')
    const failed = total(statuses, 'failed')
    if (Number.isNaN(cpuToReauth) && reauthenticated + failed >= heldCount)
      cpuToReauth = (await cpuSeconds(b.pid)) - cpu0
    if (total(statuses, 'recovered') + failed >= heldCount) break
    if (now() - killAt > RECOVERY_LIMIT_MS) break
  }
  const cpuToRecovery = (await cpuSeconds(b.pid)) - cpu0
  if (Number.isNaN(cpuToReauth)) cpuToReauth = cpuToRecovery
  // A second more of traffic after recovery (live path only), then every acknowledged message is checked.
  await sleep(1000)
  const {
    acked,
    errors: sendErrors,
    samples: senderErrors
  } = await sender.ask<{ acked: Array<[string, number, string]>; errors: number; samples: Kinds }>(
    0,
    'stopSend'
  )
  await sleep(1500)
  statuses = await workers.all<Status>('status', () => ({ full: true }))
  const clientErrors = mergeKinds(statuses.map((st) => st.errors))
  progress(`storms/reconnect ${label}: clients met ${kindsText(clientErrors)}`)
  progress(`storms/reconnect ${label}: senders met ${kindsText(senderErrors)}`)
  const truth: Record<string, Array<[number, string]>> = {}
  for (const [chat, seq, id] of acked) (truth[chat] ??= []).push([seq, id])
  const verifications = await workers.all<Verification>('verify', () => ({ truth }))
  const verification = Object.fromEntries(
    (['expected', 'missing', 'wrong', 'unacknowledged', 'appDuplicates', 'unverified'] as const).map((k) => [
      k,
      sum(verifications.map((v) => v[k]))
    ])
  ) as unknown as Verification
  const since = (key: 'reauthenticatedAt' | 'recoveredAt') =>
    summarize(statuses.flatMap((s) => s[key].map((t) => (t - killAt) / 1000)))
  const reauth = since('reauthenticatedAt')
  const recovery = since('recoveredAt')
  return {
    held: heldCount,
    reauthSeconds: reauth.max,
    recoverySeconds: recovery.max,
    reauthP50: reauth.p50,
    recoveryP50: recovery.p50,
    cpuToReauth,
    cpuToRecovery,
    steadyCpuPerSecond,
    complete: recovery.count === heldCount,
    reauthComplete: reauth.count === heldCount,
    status: statuses,
    verification,
    acked: acked.length,
    sendErrors,
    clientErrors,
    senderErrors
  }
}

const removeRedisKeys = async (prefix: string) => {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** A server that this scenario kills itself (SIGKILL), so it is not one of `Resources`' servers. */
const killable = async (env: Record<string, string>, script?: string) => {
  const server = await startProcess({ LOG_LEVEL: 'error', ...env }, script ? { script } : {})
  return server
}

const reconnectNote = (label: string, r: ReconnectResult) => {
  const s = r.status
  return (
    `${label}: ${r.held} clients, ${total(s, 'lost')} lost their socket, ${total(s, 'reauthenticated')} ` +
    `re-authenticated (p50 ${round(r.reauthP50, 2)} s), ${total(s, 'recovered')} recovered (p50 ` +
    `${round(r.recoveryP50, 2)} s), ${total(s, 'failed')} gave up, ${total(s, 'retries')} connect retries`
  )
}

async function reconnectStorms(res: Resources): Promise<ScenarioRow[]> {
  const workers = await StormWorkers.start(WORKERS, 40)
  const sender = await StormWorkers.start(1, 60)
  const killed: ServerProcess[] = []
  let prefix = ''
  try {
    const db = await res.database('reconnect')
    progress(`storms/reconnect: seeding ${RECONNECT_SOCKETS} users and ${SENDERS} senders`)
    const world = await seedWorld(db.db, RECONNECT_SOCKETS, 'recon', SENDERS)
    const groups = new Set(world.groups)
    const groupsOf = (u: StormUser) => u.chats.filter((c) => groups.has(c))

    // B0: two bare Socket.IO processes; the fake tokens list each user's chats (one room each).
    // Each pair boots side by side; the one to be killed is listed as soon as it is up (stopped if anything fails).
    const [b0a, b0b] = await Promise.all([
      killable({}, BASELINE_SCRIPT).then((s) => (killed.push(s), s)),
      res.server({}, 'reconnect-b0-b', BASELINE_SCRIPT)
    ])
    const bareClients = world.users.map((u) => ({
      token: baselineToken(u),
      fallbackToken: baselineToken(u),
      chats: u.chats
    }))
    const bareSenders = world.senders.map((u) => ({ token: baselineToken(u), chats: groupsOf(u) }))
    const bare = await reconnectStorm(workers, sender, b0a, b0b, bareClients, bareSenders, false, 'B0')
    progress(`storms/reconnect: ${reconnectNote('B0', bare)}`)
    await sender.all('close')
    await closeAll(workers, b0b)
    await b0b.stop()

    // Ours: two instances, PostgreSQL, Redis.
    prefix = `chat-bench-storms-${process.pid}-${Date.now()}:`
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: STORM_JWT_SECRET
    }
    const [a, b] = await Promise.all([
      killable(env).then((s) => (killed.push(s), s)),
      res.server(env, 'reconnect-b')
    ])
    const everyone = [...world.users, ...world.senders]
    const tokens = await mintTokens(a.url, world.users[0], everyone)
    const tokenOf = new Map(everyone.map((u, i) => [u.user_id, tokens[i]]))
    const ourClients = world.users.map((u) => ({
      token: tokenOf.get(u.user_id)!,
      fallbackToken: tokenOf.get(u.user_id)!,
      chats: u.chats
    }))
    const ourSenders = world.senders.map((u) => ({ token: tokenOf.get(u.user_id)!, chats: groupsOf(u) }))
    const ours = await reconnectStorm(workers, sender, a, b, ourClients, ourSenders, true, 'ours')
    progress(`storms/reconnect: ${reconnectNote('ours', ours)}`)
    const { rows } = await db.db.raw('SELECT count(*)::int AS n FROM messages')
    const stored: number = rows[0].n
    await sender.all('close')
    // Measured and verified: a graceful drain of B's 5,000 sockets (presence, chat lists) would only add time.
    b.child.kill('SIGKILL')
    return reconnectRows(ours, bare, stored)
  } finally {
    for (const server of killed)
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await sender.stop()
    await workers.stop()
    if (prefix)
      await removeRedisKeys(prefix).catch((e) => progress(`storms: Redis cleanup: ${e?.message ?? e}`))
  }
}

const reconnectRows = (ours: ReconnectResult, bare: ReconnectResult, stored: number): ScenarioRow[] => {
  const s = `reconnect storm (${RECONNECT_SOCKETS} sockets, instance killed)`
  const v = ours.verification
  const lost = v.missing + v.wrong
  const appDuplicates = v.appDuplicates + total(ours.status, 'seqConflicts')
  const rawDuplicates = total(ours.status, 'liveDuplicates') + total(ours.status, 'pageDuplicates')
  const traffic =
    `${RATE} msg/s from ${SENDERS} senders on B into the clients' groups (open loop), ${ours.acked} acknowledged ` +
    `(${ours.sendErrors} sends failed after retries), ${stored} stored; senders met: ${kindsText(ours.senderErrors)}`
  return [
    {
      scenario: s,
      metric: 'kill → every client re-authenticated on the survivor',
      unit: 's',
      ours: round(ours.reauthComplete ? ours.reauthSeconds : RECOVERY_LIMIT_MS / 1000, 2),
      baseline: round(bare.reauthSeconds, 2),
      baselineName: `${B0}, killed, clients re-authenticating on a second one`,
      ratio: round(bare.reauthSeconds / ours.reauthSeconds, 3),
      better: 'lower',
      note:
        (ours.reauthComplete
          ? ''
          : `NOT all re-authenticated within the ${RECOVERY_LIMIT_MS / 1000} s limit (the value); `) +
        `SIGKILL of instance A; each client connects to B after socket.io-client's first reconnection delay (${RECONNECT_DELAY_MS} ms ± 50 %; new socket, JWT strategy). ` +
        `${reconnectNote('ours', ours)}; ${reconnectNote('B0', bare)}`
    },
    {
      scenario: s,
      metric: 'kill → full recovery (re-authenticated and caught up by after_seq)',
      unit: 's',
      ours: round(ours.complete ? ours.recoverySeconds : RECOVERY_LIMIT_MS / 1000, 2),
      baseline: round(bare.reauthSeconds, 2),
      baselineName: `${B0}: re-authentication only (no history to catch up from)`,
      ratio: round(bare.reauthSeconds / ours.recoverySeconds, 3),
      better: 'lower',
      target: 'reported against the baseline',
      note:
        (ours.complete
          ? ''
          : `NOT all recovered within the ${RECOVERY_LIMIT_MS / 1000} s limit (the value); `) +
        `recovered = every chat of the client paged with after_seq until has_more is false; ` +
        `${total(ours.status, 'pages')} pages (${total(ours.status, 'pageErrors')} errors), ` +
        `${total(ours.status, 'pageMessages')} messages fetched, ${total(ours.status, 'gapsAtRecovery')} chats ` +
        `with a gap when recovered; ` +
        `clients met (503 refusals retried after retryAfter): ${kindsText(ours.clientErrors)}`
    },
    {
      scenario: s,
      metric: 'acknowledged messages lost (member copies missing or wrong)',
      unit: 'copies',
      ours: lost,
      better: 'lower',
      target: '0',
      met: lost === 0 && ours.complete,
      note:
        `after the senders stopped, in the ${ours.held - v.unverified} clients that recovered (${v.unverified} did not): ${v.expected} member copies of acknowledged messages checked by seq and ` +
        `message_id (${v.missing} missing, ${v.wrong} under another id, ${v.unacknowledged} held but never ` +
        `acknowledged); ${traffic}. B0, which has no catch-up, misses ${bare.verification.missing} of ` +
        `${bare.verification.expected}`
    },
    {
      scenario: s,
      metric: 'duplicates delivered to the application (after dedupe by seq)',
      unit: 'messages',
      ours: appDuplicates,
      better: 'lower',
      target: '0',
      met: appDuplicates === 0,
      note:
        `a message id held under two seqs, or a seq seen with two ids (${total(ours.status, 'seqConflicts')}). ` +
        `Raw duplicates dropped by the seq check: ${rawDuplicates} (${total(ours.status, 'liveDuplicates')} live ` +
        `events already fetched, ${total(ours.status, 'pageDuplicates')} fetched messages already received live) ` +
        `of ${total(ours.status, 'liveEvents')} live events and ${total(ours.status, 'pageMessages')} fetched`
    },
    {
      scenario: s,
      metric: 'survivor CPU from kill to full recovery',
      unit: 's',
      ours: round(ours.cpuToRecovery, 2),
      baseline: round(bare.cpuToRecovery, 2),
      baselineName: `${B0} survivor, kill to all re-authenticated`,
      ratio: round(bare.cpuToRecovery / ours.cpuToRecovery, 3),
      better: 'lower',
      note:
        (ours.complete ? '' : `to the ${RECOVERY_LIMIT_MS / 1000} s limit (not every client recovered); `) +
        `user+system CPU of B (/proc): ${round((ours.cpuToRecovery / ours.held) * 1000, 2)} ms per client ` +
        `(B0 ${round((bare.cpuToRecovery / bare.held) * 1000, 2)}); of it up to all re-authenticated ` +
        `${round(ours.cpuToReauth, 2)} s; B's steady CPU with the senders alone before the kill ` +
        `${round(ours.steadyCpuPerSecond, 2)} s/s (B0 ${round(bare.steadyCpuPerSecond, 2)} s/s)`
    }
  ]
}

// ---------------------------------------------------------------------------------------------------------

export async function run(): Promise<ScenarioRow[]> {
  const parts: ScenarioPart[] = [
    ['connect', 'connect storm', connectionStorm],
    ['reconnect', 'reconnect storm', reconnectStorms]
  ]
  return runParts('storms', parts, ONLY)
}

runStandalone(module, run)

// Realtime benchmarks: fan-out to a group of 100 against the bare Socket.IO baseline B0, latency at half the
// maximum rate, 1,000 users in 500 private chats at a fixed rate, and two instances + Redis against one.
// The load generator runs in worker processes (bench/lib/fanout-worker.ts), never in a server's process.
// Each scenario gets a fresh PostgreSQL database (dropped after) and its own server processes.
//   npx tsx bench/fanout.ts                       prints the rows as a table, then as JSON
// Environment: BENCH_WORKERS (2), BENCH_WARMUP_MS (1000), BENCH_MEASURE_MS (3000), BENCH_JIT_WARMUP_MS (2000),
// BENCH_MANY_CHATS_RATE (1000), BENCH_PAIRS (3 interleaved rounds per comparison, medians), BENCH_HALF_PAIRS (2),
// BENCH_B2_SECONDS (3),
// BENCH_CPU_PROF=<dir> (write --cpu-prof profiles of our server processes there), BENCH_ONLY (comma-separated:
// fan-out, two instances + Redis, many chats), BENCH_POSTGRES_URL, REDIS_URL.
import {
  backendPids,
  baselineClientsFor,
  createGroup,
  createPairChats,
  loginAll,
  seedUsers,
  serverSampler
} from './lib/chat-setup'
import { redisUrl, type BenchDatabase } from './lib/environment'
import { seededTokens, STORM_JWT_SECRET } from './lib/storm-seed'
import type { ClientSpec } from './lib/feathers-load-client'
import { openLoad, type LoadResult, type LoadRun, type LoadSession, type LoadSetup } from './lib/load-driver'
import { pgbenchBatches } from './lib/pgbench'
import { progress, round, type ScenarioRow, runStandalone } from './lib/results'
import {
  cpuNote,
  jitWarmup,
  JIT_WARMUP_MS,
  persistedNote,
  Resources,
  usPerDelivery,
  withLoad,
  runParts,
  type ScenarioPart
} from './lib/scenario-helpers'

const GROUP = 100
const SENDERS = 4
const IN_FLIGHT = 8
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000)
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 3000)
/** Interleaved rounds per comparison (the issue asks for three pairs, medians reported). */
const PAIRS = Math.max(1, Number(process.env.BENCH_PAIRS ?? 3))
const HALF_PAIRS = Math.max(1, Number(process.env.BENCH_HALF_PAIRS ?? 2))
const B0_PLAIN = process.env.BENCH_B0_PLAIN === '1'
const B2_SECONDS = Number(process.env.BENCH_B2_SECONDS ?? 3)
const WORKERS = Math.max(2, Number(process.env.BENCH_WORKERS ?? 2))
const MANY_USERS = 1000
const MANY_RATE = Number(process.env.BENCH_MANY_CHATS_RATE ?? 1000)
const MANY_WARMUP_MS = 3000
/** Senders spread evenly over the members: with 2 workers and 2 instances, every worker and instance has some. */
const senderIndices = Array.from({ length: SENDERS }, (_, i) => Math.floor((i * GROUP) / SENDERS))

const closedRun = (name: string, chatId: string): LoadRun => ({
  name,
  senders: senderIndices.map((client) => ({ client, chatId })),
  mode: { kind: 'closed', inFlight: IN_FLIGHT },
  recipientsPerMessage: GROUP,
  warmupMs: WARMUP_MS,
  measureMs: MEASURE_MS
})

/** 100 users seeded, logged in on `base`, in one group; client i connects to urls[i % urls.length]. */
const groupOf100 = async (db: BenchDatabase, base: string, urls: string[]) => {
  const users = await seedUsers(db.db, GROUP, 'fan')
  const tokens = await loginAll(base, users)
  const { chatId } = await createGroup(
    base,
    tokens[0],
    users.slice(1).map((u) => u.user_id)
  )
  const clients = (instanceUrls: string[]): ClientSpec[] =>
    users.map((u, i) => ({ url: instanceUrls[i % instanceUrls.length], userId: u.user_id, token: tokens[i] }))
  return {
    chatId,
    clients: clients(urls),
    clientsOn: clients,
    tokens,
    users,
    userIds: users.map((u) => u.user_id)
  }
}

const latencyRows = (scenario: string, label: string, r: LoadResult, base?: LoadResult): ScenarioRow[] =>
  (['p50', 'p95', 'p99'] as const).map((p) => ({
    scenario,
    metric: `send → receive ${p} (${label})`,
    unit: 'ms',
    ours: r.latency[p],
    better: 'lower',
    ...(base
      ? {
          baseline: base.latency[p],
          baselineName: 'B0 bare Socket.IO',
          ratio: round(base.latency[p] / r.latency[p], 3)
        }
      : {})
  }))

/** The middle value (the lower middle of an even count). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]
/** The run whose `key` is the median of the runs, so its other figures (CPU, latency) come from one run. */
const medianRun = (runs: LoadResult[], key: (r: LoadResult) => number) => {
  const m = median(runs.map(key))
  return runs.find((r) => key(r) === m)!
}
const list = (values: number[], digits = 3) => values.map((v) => round(v, digits)).join(', ')
const deliveredNote = (runs: LoadResult[]) =>
  `${runs.reduce((n, r) => n + r.deliveries, 0)} of ${runs.reduce((n, r) => n + r.expectedDeliveries, 0)} ` +
  `deliveries over ${runs.length} runs; out of order ${runs.reduce((n, r) => n + r.outOfOrder, 0)}, gaps ${runs.reduce(
    (n, r) => n + r.gaps,
    0
  )}`
const allDelivered = (runs: LoadResult[]) =>
  runs.every((r) => r.deliveredRatio === 1 && r.outOfOrder === 0 && r.gaps === 0 && r.errors === 0)

/** Average messages per batch statement in a chat: a batch's rows share the statement's `now()`. */
const averageBatch = async (db: BenchDatabase, chatId: string) => {
  const { rows } = await db.db.raw(
    `SELECT count(*)::float / greatest(count(DISTINCT created_at), 1) AS n FROM messages
     WHERE chat_id = ? AND message_id NOT LIKE 'B2%'`,
    [chatId]
  )
  return Number(rows[0].n)
}

interface System {
  name: string
  session: LoadSession
}

const openSystem = async (name: string, setup: Omit<LoadSetup, 'workers' | 'name'>): Promise<System> => ({
  name,
  session: await openLoad({ ...setup, name, workers: WORKERS })
})

/**
 * Fan-out to a group of 100: B0 (bare Socket.IO with our write coalescing and message shape), ours and B1
 * (B0 with one emit per member) in PAIRS interleaved rounds, closed loop; then ours and B0 side by side at half
 * our median rate, open loop; then B2 (pgbench, the batch statement) on the same database.
 */
async function fanOut(res: Resources): Promise<{ rows: ScenarioRow[]; ours: LoadResult }> {
  const script = 'bench/baseline-socketio.ts'
  // The processes start side by side (a boot is ~1.2 s of one core), each measured on its own later.
  const [b0Server, b1Server, plainServer, { db, server }] = await Promise.all([
    res.server({}, 'baseline', script),
    res.server({ BASELINE_DISPATCH: 'per-socket' }, 'baseline-b1', script),
    B0_PLAIN ? res.server({ BASELINE_WRITES: 'plain' }, 'baseline-plain', script) : undefined,
    (async () => {
      const db = await res.database('fanout')
      return { db, server: await res.server({ DATABASE_URL: db.url }, 'fanout') }
    })()
  ])
  const group = await groupOf100(db, server.url, [server.url])
  // B0 and B1 stand for the same users in the same chat (ids, names): their messages have our messages' bytes.
  const baselineClients = (url: string) => baselineClientsFor(url, group.users, group.chatId)
  const systems: System[] = []
  const closeAll = () => Promise.all(systems.map((s) => s.session.close()))
  res.onRelease(closeAll)
  const b0 = await openSystem('B0', { clients: baselineClients(b0Server.url), serverPids: [b0Server.pid] })
  const b1 = await openSystem('B1', { clients: baselineClients(b1Server.url), serverPids: [b1Server.pid] })
  const plain = plainServer
    ? await openSystem('B0 plain', {
        clients: baselineClients(plainServer.url),
        serverPids: [plainServer.pid]
      })
    : undefined
  const ours = await openSystem('ours', {
    clients: group.clients,
    serverPids: [server.pid],
    pgPids: () => backendPids(db.db),
    sample: serverSampler(db.db, [server.url])
  })
  systems.push(b0, b1, ours, ...(plain ? [plain] : []))
  await jitWarmup(b0.session.run, closedRun('fan-out B0', group.chatId))
  await jitWarmup(ours.session.run, closedRun('fan-out ours', group.chatId))
  await jitWarmup(b1.session.run, closedRun('fan-out B1', group.chatId))
  if (plain) await jitWarmup(plain.session.run, closedRun('fan-out B0 plain', group.chatId))

  const closed = {
    b0: [] as LoadResult[],
    ours: [] as LoadResult[],
    b1: [] as LoadResult[],
    plain: [] as LoadResult[]
  }
  for (let i = 1; i <= PAIRS; i++) {
    closed.b0.push(await b0.session.run(closedRun(`fan-out B0 #${i}`, group.chatId)))
    closed.ours.push(await ours.session.run(closedRun(`fan-out ours #${i}`, group.chatId)))
    closed.b1.push(await b1.session.run(closedRun(`fan-out B1 #${i}`, group.chatId)))
    if (plain) closed.plain.push(await plain.session.run(closedRun(`fan-out B0 plain #${i}`, group.chatId)))
  }
  const batch = await averageBatch(db, group.chatId)
  const oursRate = median(closed.ours.map((r) => r.createdPerSec))
  const halfRate = Math.max(1, round(oursRate / 2, 0))
  const open = { b0: [] as LoadResult[], ours: [] as LoadResult[] }
  const openRun = (name: string, chatId: string): LoadRun => ({
    ...closedRun(name, chatId),
    mode: { kind: 'open', rate: halfRate }
  })
  for (let i = 1; i <= HALF_PAIRS; i++) {
    open.ours.push(await ours.session.run(openRun(`fan-out ours ${halfRate} msg/s #${i}`, group.chatId)))
    open.b0.push(await b0.session.run(openRun(`fan-out B0 ${halfRate} msg/s #${i}`, group.chatId)))
  }
  await closeAll()
  const stored = await persistedNote(db, [...closed.ours, ...open.ours])

  // B2 on the same database: one client on the fan-out chat (our server runs one batch statement at a time),
  // batches of the size our server's batches had.
  const batchSize = Math.max(1, Math.round(batch))
  const b2Chats = [{ chatId: group.chatId, senderId: group.userIds[0] }]
  const b2One = await pgbenchBatches(db.url, b2Chats, { clients: 1, batchSize, seconds: B2_SECONDS })
  const b2Rows = Number(
    (await db.db.raw(`SELECT count(*)::int AS n FROM messages WHERE message_id LIKE 'B2%'`)).rows[0].n
  )
  // A ceiling that stored nothing (a chat not found, a statement that changed) must not read as one.
  if (b2Rows < 0.9 * b2One.messagesPerSec * B2_SECONDS)
    throw new Error(`B2 stored ${b2Rows} messages, fewer than its tps says`)
  progress(
    `B2 pgbench (${b2Rows} rows stored), batches of ${batchSize}: 1 client ${round(b2One.messagesPerSec, 0)} msg/s ` +
      `(${round(b2One.latencyMs, 2)} ms per statement)`
  )

  const s = `fan-out (group of ${GROUP})`
  const b0Name = 'B0 bare Socket.IO, coalesced writes, our message shape'
  const pairRatios = closed.ours.map((r, i) => r.createdPerSec / closed.b0[i].createdPerSec)
  const createdRatio = round(median(pairRatios), 3)
  const oursMid = medianRun(closed.ours, (r) => r.createdPerSec)
  const b0Mid = medianRun(closed.b0, (r) => r.createdPerSec)
  const b1Mid = medianRun(closed.b1, (r) => r.createdPerSec)
  const cpuPairs = closed.ours.map((r, i) => usPerDelivery(r) / usPerDelivery(closed.b0[i]))
  const cpuRatio = round(median(cpuPairs), 3)
  const openCpuPairs = open.ours.map((r, i) => usPerDelivery(r) / usPerDelivery(open.b0[i]))
  const openCpuRatio = round(median(openCpuPairs), 3)
  const oursOpen = medianRun(open.ours, (r) => r.latency.p99)
  const b0Open = medianRun(open.b0, (r) => r.latency.p99)
  const writes = (r: LoadResult) => round(r.serverWrites / Math.max(r.deliveries, 1), 3)
  const pairsNote = `${PAIRS} interleaved rounds (B0, ours, B1${plain ? ', B0 plain' : ''}), ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s each, after one unrecorded ${JIT_WARMUP_MS / 1000} s run per system (JIT)`
  const rows: ScenarioRow[] = [
    {
      scenario: s,
      metric: `messages created/s (closed loop, ${SENDERS} senders × ${IN_FLIGHT} in flight)`,
      unit: 'msg/s',
      ours: median(closed.ours.map((r) => r.createdPerSec)),
      baseline: median(closed.b0.map((r) => r.createdPerSec)),
      baselineName: b0Name,
      ratio: createdRatio,
      better: 'higher',
      target: '≥ 0.75× B0',
      met: createdRatio >= 0.75,
      note:
        `medians; ratio = median of the per-round ratios (${list(pairRatios)}); ${pairsNote}; ours ${list(
          closed.ours.map((r) => r.createdPerSec),
          0
        )}, B0 ${list(
          closed.b0.map((r) => r.createdPerSec),
          0
        )}` +
        (plain
          ? `, B0 plain writes ${list(
              closed.plain.map((r) => r.createdPerSec),
              0
            )}`
          : '') +
        `; median rounds: ours ${cpuNote(oursMid)}; B0 ${cpuNote(b0Mid)}`
    },
    {
      scenario: s,
      metric: 'messages created/s against B1 (one emit per member)',
      unit: 'msg/s',
      ours: median(closed.ours.map((r) => r.createdPerSec)),
      baseline: median(closed.b1.map((r) => r.createdPerSec)),
      baselineName: 'B1 bare Socket.IO, one emit per member',
      ratio: round(median(closed.ours.map((r, i) => r.createdPerSec / closed.b1[i].createdPerSec)), 3),
      better: 'higher',
      note: `B1 ${list(
        closed.b1.map((r) => r.createdPerSec),
        0
      )}; B1 median round: ${cpuNote(b1Mid)}`
    },
    {
      scenario: s,
      metric: 'deliveries/s',
      unit: 'deliveries/s',
      ours: median(closed.ours.map((r) => r.deliveriesPerSec)),
      baseline: median(closed.b0.map((r) => r.deliveriesPerSec)),
      baselineName: b0Name,
      ratio: round(median(closed.ours.map((r, i) => r.deliveriesPerSec / closed.b0[i].deliveriesPerSec)), 3),
      better: 'higher'
    },
    {
      scenario: s,
      metric: 'server CPU per delivery (closed loop)',
      unit: 'µs',
      ours: median(closed.ours.map(usPerDelivery)),
      baseline: median(closed.b0.map(usPerDelivery)),
      baselineName: b0Name,
      ratio: round(1 / cpuRatio, 3),
      better: 'lower',
      target: 'ours ≤ 1.5× B0',
      met: cpuRatio <= 1.5,
      note:
        `ours / B0 per round ${list(cpuPairs)} (median ${cpuRatio}); B1 ${list(closed.b1.map(usPerDelivery), 2)} µs; ` +
        `server write calls per delivery: ours ${list(closed.ours.map(writes))}, B0 ${list(closed.b0.map(writes))}; ` +
        `server process CPU only (PostgreSQL: ours ${list(
          closed.ours.map((r) => r.cpu.postgres),
          2
        )} CPU s per window)`
    },
    {
      scenario: s,
      metric: `server CPU per delivery at the same rate (open loop, ${halfRate} msg/s)`,
      unit: 'µs',
      ours: median(open.ours.map(usPerDelivery)),
      baseline: median(open.b0.map(usPerDelivery)),
      baselineName: b0Name,
      ratio: round(1 / openCpuRatio, 3),
      better: 'lower',
      target: 'ours ≤ 1.5× B0',
      met: openCpuRatio <= 1.5,
      note: `ours / B0 per pair ${list(openCpuPairs)}; write calls per delivery: ours ${list(
        open.ours.map(writes)
      )}, B0 ${list(open.b0.map(writes))}`
    },
    {
      scenario: s,
      metric: 'delivered ratio, exact (every member incl. the sender, every run), seq order per receiver',
      unit: 'ratio',
      ours: Math.min(...[...closed.ours, ...open.ours].map((r) => r.deliveredRatio)),
      baseline: Math.min(...[...closed.b0, ...open.b0].map((r) => r.deliveredRatio)),
      baselineName: b0Name,
      better: 'higher',
      target: '1 exactly, 0 out of order, 0 gaps, 0 errors',
      met: allDelivered([...closed.ours, ...open.ours]),
      note: `ours: ${deliveredNote([...closed.ours, ...open.ours])}; B0: ${deliveredNote([...closed.b0, ...open.b0])}`
    },
    {
      scenario: s,
      metric: 'acknowledged messages persisted (rows found / acks)',
      unit: 'fraction',
      ours: round(stored.fraction, 4),
      better: 'higher',
      target: '1.0 (every acknowledged message stored)',
      met: stored.persisted === stored.acked,
      note: `${stored.persisted} of ${stored.acked} acknowledged messages (all runs, warm-up included) found in PostgreSQL`
    },
    ...latencyRows(s, 'closed loop, includes queueing', oursMid, b0Mid).filter(
      (r) => !r.metric.includes('p95')
    ),
    {
      scenario: s,
      metric: `send → receive p99 at half our max rate (open loop, ${halfRate} msg/s, B0 at the same rate)`,
      unit: 'ms',
      ours: median(open.ours.map((r) => r.latency.p99)),
      baseline: median(open.b0.map((r) => r.latency.p99)),
      baselineName: b0Name,
      ratio: round(
        median(open.b0.map((r) => r.latency.p99)) / median(open.ours.map((r) => r.latency.p99)),
        3
      ),
      better: 'lower',
      target: '≤ 50 ms',
      met: median(open.ours.map((r) => r.latency.p99)) <= 50,
      note:
        `medians of ${HALF_PAIRS} pairs (ours ${list(
          open.ours.map((r) => r.latency.p99),
          1
        )}, B0 ${list(
          open.b0.map((r) => r.latency.p99),
          1
        )}); ours p50 ${oursOpen.latency.p50}, max ${oursOpen.latency.max} ms, achieved ${oursOpen.createdPerSec} msg/s; ` +
        `B0 p50 ${b0Open.latency.p50} ms; ${cpuNote(oursOpen)}`
    },
    {
      scenario: s,
      metric: `send → last member p99 at half our max rate (${halfRate} msg/s)`,
      unit: 'ms',
      ours: median(open.ours.map((r) => r.lastMember.p99)),
      baseline: median(open.b0.map((r) => r.lastMember.p99)),
      baselineName: b0Name,
      ratio: round(
        median(open.b0.map((r) => r.lastMember.p99)) / median(open.ours.map((r) => r.lastMember.p99)),
        3
      ),
      better: 'lower',
      note: 'per message, the latest of its 100 receipts'
    },
    {
      scenario: s,
      metric: `persistence: our messages/s against B2 (pgbench, the batch statement, batches of ${batchSize}, 1 client)`,
      unit: 'msg/s',
      ours: median(closed.ours.map((r) => r.createdPerSec)),
      baseline: round(b2One.messagesPerSec, 0),
      baselineName: 'B2 pgbench -M prepared, 1 client',
      ratio: round(median(closed.ours.map((r) => r.createdPerSec)) / b2One.messagesPerSec, 3),
      better: 'higher',
      note:
        `our batches averaged ${round(batch, 2)} messages (closed-loop runs); one batch statement at a time per ` +
        `instance, so 1 client is the like-for-like ceiling; B2 ${round(b2One.latencyMs, 2)} ms per statement, ` +
        `${B2_SECONDS} s, synchronous_commit as the server's`
    }
  ]
  return { rows, ours: oursMid }
}

async function scaleOut(res: Resources, noRedis?: LoadResult): Promise<ScenarioRow[]> {
  const db = await res.database('scaleout')
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `chat-bench-${process.pid}:` }
  const a = await res.server(env, 'scaleout-a')
  const group = await groupOf100(db, a.url, [a.url])
  const pgPids = () => backendPids(db.db)
  // Interleaved one, two, one, two… (the second instance runs only for the two-instance runs): this shared
  // 2-core box drifts, so each figure is the median of the rounds.
  const ones: LoadResult[] = []
  const twos: LoadResult[] = []
  for (let i = 1; i <= PAIRS; i++) {
    const oneSetup = {
      name: 'one instance',
      clients: group.clients,
      serverPids: [a.pid],
      pgPids,
      sample: serverSampler(db.db, [a.url])
    }
    ones.push(
      await withLoad(oneSetup, async (run) => {
        if (i === 1) await jitWarmup(run, closedRun('one instance + Redis', group.chatId))
        return run(closedRun(`one instance + Redis #${i}`, group.chatId))
      })
    )
    const b = await res.server(env, 'scaleout-b')
    const twoSetup = {
      name: 'two instances',
      clients: group.clientsOn([a.url, b.url]),
      serverPids: [a.pid, b.pid],
      pgPids,
      sample: serverSampler(db.db, [a.url, b.url])
    }
    // B is a fresh process every round (one-instance rounds have no second instance): warmed like A was.
    twos.push(
      await withLoad(twoSetup, async (run) => {
        await jitWarmup(run, closedRun('two instances + Redis', group.chatId))
        return run(closedRun(`two instances + Redis #${i}`, group.chatId))
      })
    )
    await b.stop()
  }
  const one = medianRun(ones, (r) => r.createdPerSec)
  const two = medianRun(twos, (r) => r.createdPerSec)
  const stored = await persistedNote(db, [...ones, ...twos])
  const allRates = `created/s of every run: one ${ones.map((r) => r.createdPerSec).join(', ')}; two ${twos
    .map((r) => r.createdPerSec)
    .join(', ')}`

  const s = `two instances + Redis (group of ${GROUP}, 50/50)`
  const name = 'one instance + Redis'
  const ratio = round(median(twos.map((r, i) => r.createdPerSec / ones[i].createdPerSec)), 3)
  const cpuPairs = twos.map((r, i) => usPerDelivery(r) / usPerDelivery(ones[i]))
  const cpuRatio = round(median(cpuPairs), 3)
  return [
    {
      scenario: s,
      metric: 'messages created/s, two instances / one',
      unit: 'msg/s',
      ours: median(twos.map((r) => r.createdPerSec)),
      baseline: median(ones.map((r) => r.createdPerSec)),
      baselineName: name,
      ratio,
      better: 'higher',
      target: '≥ 1.6× one instance (needs ≥ 4 cores: see note)',
      met: ratio >= 1.6,
      note:
        `medians of ${PAIRS} interleaved rounds (${allRates}), each instance after an unrecorded ${JIT_WARMUP_MS / 1000} s run (JIT). 2 cores shared by 2 servers, PostgreSQL, ` +
        `Redis and the generator. two: ${cpuNote(two)}; one: ${cpuNote(one)}` +
        (noRedis ? `; one instance without Redis (fan-out run): ${noRedis.createdPerSec} msg/s` : '')
    },
    {
      scenario: s,
      metric: 'server CPU per delivery (sum over the instances)',
      unit: 'µs',
      ours: median(twos.map(usPerDelivery)),
      baseline: median(ones.map(usPerDelivery)),
      baselineName: name,
      ratio: cpuRatio,
      better: 'lower',
      target: 'two ≤ 1.25× one (design doc S7, for a 2-core box)',
      met: cpuRatio <= 1.25,
      note: `ratio here = two / one, median of the rounds (${list(cpuPairs)}); write calls per delivery two ${list(
        twos.map((r) => r.serverWrites / Math.max(r.deliveries, 1))
      )}, one ${list(ones.map((r) => r.serverWrites / Math.max(r.deliveries, 1)))}`
    },
    ...(['p50', 'p95', 'p99'] as const).map((p): ScenarioRow => ({
      scenario: s,
      metric: `send → receive ${p} (closed loop)`,
      unit: 'ms',
      ours: two.latency[p],
      baseline: one.latency[p],
      baselineName: name,
      ratio: round(one.latency[p] / two.latency[p], 3),
      better: 'lower'
    })),
    {
      scenario: s,
      metric: 'delivered ratio, exact, seq order per receiver (every run)',
      unit: 'ratio',
      ours: Math.min(...twos.map((r) => r.deliveredRatio)),
      baseline: Math.min(...ones.map((r) => r.deliveredRatio)),
      baselineName: name,
      better: 'higher',
      target: '1 exactly, 0 out of order, 0 gaps',
      met: allDelivered(twos),
      note: `two: ${deliveredNote(twos)}; one: ${deliveredNote(ones)}`
    },
    {
      scenario: s,
      metric: 'acknowledged messages persisted (rows found / acks)',
      unit: 'fraction',
      ours: round(stored.fraction, 4),
      better: 'higher',
      target: '1.0',
      met: stored.persisted === stored.acked,
      note: `${stored.persisted} of ${stored.acked}; errors: two ${two.errors}, one ${one.errors}`
    }
  ]
}

async function manyChats(res: Resources): Promise<ScenarioRow[]> {
  const setupStart = performance.now()
  const db = await res.database('manychats')
  const server = await res.server({ DATABASE_URL: db.url, JWT_SECRET: STORM_JWT_SECRET }, 'manychats')
  const users = await seedUsers(db.db, MANY_USERS, 'many')
  const tokens = await seededTokens(db.db, server.url, users)
  const chats = await createPairChats(server.url, users, tokens)
  const setupS = round((performance.now() - setupStart) / 1000, 1)
  progress(`many chats: ${MANY_USERS} users and ${chats.length} private chats set up in ${setupS} s`)
  const setup = {
    name: 'many chats',
    clients: users.map((u, i) => ({ url: server.url, userId: u.user_id, token: tokens[i] })),
    serverPids: [server.pid],
    pgPids: () => backendPids(db.db),
    sample: serverSampler(db.db, [server.url])
  }
  const plan = (rate: number): LoadRun => ({
    name: `many chats ${rate} msg/s`,
    senders: users.map((_, i) => ({ client: i, chatId: chats[Math.floor(i / 2)] })),
    mode: { kind: 'open', rate },
    recipientsPerMessage: 2,
    // Long enough for every one of the 1,000 senders to send before the window: a sender's first message proves
    // its membership (a query; cached after), and 1,000 of those in the first second are not the steady state.
    warmupMs: Math.max(WARMUP_MS, MANY_WARMUP_MS),
    measureMs: MEASURE_MS
  })
  const sustained = (r: LoadResult, rate: number) =>
    r.createdPerSec >= 0.97 * rate && r.deliveredRatio === 1 && r.errors === 0 && r.latency.p99 < 1000
  // The scheduled rate; then a short closed-loop probe (32 senders in 32 chats, 4 creates outstanding each)
  // measures what the send and persistence path can do with little fan-out, beside B2 (pgbench, the batch
  // statement, 8 clients). If the scheduled rate was not sustained, a second open-loop run goes at 70 % of it.
  const probeSenders = Array.from({ length: 32 }, (_, k) => k * Math.floor(MANY_USERS / 32)).map(
    (client) => ({
      client,
      chatId: chats[Math.floor(client / 2)]
    })
  )
  const probeFrom = new Date()
  const { runs, probe } = await withLoad(setup, async (run) => {
    const runs = [{ rate: MANY_RATE, result: await run(plan(MANY_RATE)) }]
    probeFrom.setTime(Date.now())
    const probe = await run({
      name: 'many chats closed-loop probe',
      senders: probeSenders,
      mode: { kind: 'closed', inFlight: 4 },
      recipientsPerMessage: 2,
      warmupMs: 1000,
      measureMs: MEASURE_MS
    })
    if (sustained(runs[0].result, MANY_RATE)) return { runs, probe }
    progress(`many chats: ${MANY_RATE} msg/s not sustained`)
    const rate = Math.max(10, round(probe.createdPerSec * 0.7, -1))
    runs.push({ rate, result: await run(plan(rate)) })
    return { runs, probe }
  })
  const stored = await persistedNote(db, [...runs.map((r) => r.result), probe])
  const { rows: batchRows } = await db.db.raw(
    `SELECT count(*)::float / greatest(count(DISTINCT created_at), 1) AS n FROM messages WHERE created_at >= ?`,
    [probeFrom]
  )
  const batchSize = Math.max(1, Math.round(Number(batchRows[0].n)))
  const b2Chats = probeSenders
    .slice(0, 8)
    .map((p) => ({ chatId: p.chatId, senderId: users[p.client].user_id }))
  const b2 = await pgbenchBatches(db.url, b2Chats, { clients: 8, batchSize, seconds: B2_SECONDS })
  const s = `many chats (${MANY_USERS} users, ${chats.length} private chats)`
  const probeRow: ScenarioRow[] = [
    {
      scenario: s,
      metric: 'max messages created/s (closed loop, 32 senders in 32 chats, 4 in flight each)',
      unit: 'msg/s',
      ours: probe.createdPerSec,
      baseline: round(b2.messagesPerSec, 0),
      baselineName: `B2 pgbench -M prepared, the batch statement, 8 clients on 8 chats, batches of ${batchSize}`,
      ratio: round(probe.createdPerSec / b2.messagesPerSec, 3),
      better: 'higher',
      target: '≥ 0.3× B2 (design doc: the insert path)',
      met: probe.createdPerSec >= 0.3 * b2.messagesPerSec,
      note:
        `our batches averaged ${round(Number(batchRows[0].n), 2)} messages in the probe; B2 ${round(b2.latencyMs, 2)} ms ` +
        `per statement; p50 ${probe.latency.p50} ms, p99 ${probe.latency.p99} ms, errors ${probe.errors}; ${cpuNote(probe)}`
    }
  ]
  const rows = runs.flatMap(({ rate, result: r }): ScenarioRow[] => [
    {
      scenario: s,
      metric: `messages created/s at a scheduled ${rate} msg/s (open loop)`,
      unit: 'msg/s',
      ours: r.createdPerSec,
      better: 'higher',
      target: `${rate} msg/s sustained (≥ 97 %, 0 errors, all delivered, p99 < 1 s)`,
      met: sustained(r, rate),
      note: `setup (seed in SQL, ${MANY_USERS} REST logins, ${chats.length} REST private chats) ${setupS} s; connecting ${MANY_USERS} sockets ${r.connectMs} ms; errors ${r.errors}; ${cpuNote(r)}`
    },
    ...latencyRows(s, `${rate} msg/s; both members incl. the sender`, r).filter(
      (row) => !row.metric.includes('p95')
    ),
    {
      scenario: s,
      metric: `errors (${rate} msg/s)`,
      unit: 'count',
      ours: r.errors,
      better: 'lower',
      target: '0',
      met: r.errors === 0,
      note: r.errorSamples.join('; ') || undefined
    },
    {
      scenario: s,
      metric: `delivered ratio (${rate} msg/s; deliveries / (created × 2))`,
      unit: 'ratio',
      ours: r.deliveredRatio,
      better: 'higher',
      target: '1.0',
      met: r.deliveredRatio === 1,
      note: `persisted (all runs): ${stored.persisted} of ${stored.acked}`
    }
  ])
  return [...rows.slice(0, 5), ...probeRow, ...rows.slice(5)]
}

export async function run(): Promise<ScenarioRow[]> {
  let single: LoadResult | undefined
  const parts: ScenarioPart[] = [
    ['fan-out', 'fan-out', async (res) => ((r) => ((single = r.ours), r.rows))(await fanOut(res))],
    ['two instances + Redis', 'two instances + Redis', (res) => scaleOut(res, single)],
    ['many chats', 'many chats', manyChats]
  ]
  return runParts('realtime', parts, process.env.BENCH_ONLY)
}

runStandalone(module, run)

// Fan-out at the sizes real deployments reach (issue 16): large groups and a message-size sweep, each against the
// bare Socket.IO baseline B0 (bench/baseline-socketio.ts: our write coalescing, our message's shape) measured in
// the same run. Load comes from worker processes (bench/lib/fanout-worker.ts), never from a server's process;
// each part gets a fresh PostgreSQL database (dropped after) and its own server processes.
//
// 1. Large groups: one group of 1,000 members (and, with BENCH_LARGE=1, one of 10,000), every member on a
//    Feathers socket spread over the workers. Users are seeded in SQL, log in over REST (bcrypt cost 4), and the
//    group is created through POST /api/groups, so its rows are exactly what the API makes. Both servers hold
//    their sockets for the whole part (two load sessions). A short closed-loop probe on ours finds what the box
//    can do; then B0 and ours run, one after the other, open loop at ~50 % of that rate from a few senders.
// 2. Message-size sweep: a group of 100, closed loop as in bench/fanout.ts (4 senders × 8 in flight), content of
//    ~20 B, 1 KB, 4 KB and 10 KB (10,000 characters: the server's `messageMaxLength`), B0 then ours per size.
//
//   npx tsx bench/fanout-sizes.ts                 prints the rows as a table, then as JSON
// Environment: BENCH_LARGE=1 (adds the 10,000-member group), BENCH_SIZES_ONLY (large, sweep),
// BENCH_SIZES_GROUPS (group sizes, e.g. 200,500; overrides the default 1000 / 1000,10000),
// BENCH_SIZES_SENDERS (4), BENCH_SIZES_WARMUP_MS (1000) / BENCH_SIZES_MEASURE_MS (3000) for the large-group runs,
// BENCH_SIZES_PROBE_MS (2000), BENCH_SIZES_RATE_FRACTION (0.5), BENCH_SIZES_BYTES (20,1024,4096,10000),
// BENCH_SIZES_SWEEP_GROUP (100), BENCH_SIZES_SWEEP_WARMUP_MS (1000) / BENCH_SIZES_SWEEP_MEASURE_MS (2000),
// BENCH_JIT_WARMUP_MS (2000: one unrecorded run per server process first),
// BENCH_SIZES_CONNECT_CONCURRENCY (64 sockets at a time per worker, large groups), BENCH_WORKERS (2),
// BENCH_CPU_PROF=<dir> (profiles of our server processes).
import { readFileSync } from 'node:fs'
import { api, backendPids, baselineClientsFor, createGroup, seedUsers, serverSampler } from './lib/chat-setup'
import { seededTokens, STORM_JWT_SECRET } from './lib/storm-seed'
import type { BenchDatabase, ServerProcess } from './lib/environment'
import type { ClientSpec } from './lib/feathers-load-client'
import type { LoadResult, LoadRun } from './lib/load-driver'
import { progress, round, type ScenarioRow, runStandalone } from './lib/results'
import {
  cpuNote,
  persistedNote,
  Resources,
  usPerDelivery,
  jitWarmup,
  withLoad,
  runParts,
  type ScenarioPart
} from './lib/scenario-helpers'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const list = (value: string) => value.split(',').filter(Boolean).map(Number)

const LARGE = process.env.BENCH_LARGE === '1'
const GROUP_SIZES = list(process.env.BENCH_SIZES_GROUPS ?? (LARGE ? '1000,10000' : '1000'))
const SENDERS = env('BENCH_SIZES_SENDERS', 4)
const WARMUP_MS = env('BENCH_SIZES_WARMUP_MS', 1000)
const MEASURE_MS = env('BENCH_SIZES_MEASURE_MS', 3000)
const PROBE_MS = env('BENCH_SIZES_PROBE_MS', 2000)
const RATE_FRACTION = env('BENCH_SIZES_RATE_FRACTION', 0.5)
const SWEEP_BYTES = list(process.env.BENCH_SIZES_BYTES ?? '20,1024,4096,10000')
const SWEEP_GROUP = env('BENCH_SIZES_SWEEP_GROUP', 100)
const SWEEP_WARMUP_MS = env('BENCH_SIZES_SWEEP_WARMUP_MS', 1000)
const SWEEP_MEASURE_MS = env('BENCH_SIZES_SWEEP_MEASURE_MS', 2000)
const SWEEP_IN_FLIGHT = 8
/** Sockets each worker connects at a time for the large groups (the load driver's default is 16). */
const CONNECT_CONCURRENCY = env('BENCH_SIZES_CONNECT_CONCURRENCY', 64)
const LAST_MEMBER_GOAL_MS = 250
const B0 = 'B0 bare Socket.IO'
/** Members per POST /api/groups (owner included) and user ids per POST /api/groups/:group_id/members. */
const CREATE_MAX = 1000
const ADD_MAX = 1000

/** `count` senders spread evenly over `members` (so every worker has some). */
const senderIndices = (members: number, count: number) =>
  Array.from({ length: count }, (_, i) => Math.floor((i * members) / count))

/** The soft limit on open files of this process (inherited by the servers and workers it starts). */
const openFilesLimit = () => {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))
  const soft = line?.split(/\s{2,}/)[1]
  return soft === 'unlimited' ? Infinity : Number(soft ?? NaN)
}

/** `members` users seeded in SQL, logged in over REST, in one group made through POST /api/groups. */
const seedGroup = async (db: BenchDatabase, server: ServerProcess, members: number, prefix: string) => {
  const started = performance.now()
  const users = await seedUsers(db.db, members, prefix)
  // Seeded as already online (as if connected elsewhere): a member coming online announces `user_status` to
  // every connection of every chat they share (src/realtime/presence.ts, src/channels.ts), so connecting the
  // members of one group from offline sends ~N²/2 presence events (50 M for 10,000), which is not what this
  // part measures. `online` only replaces `offline`, so nothing is announced; the message path ignores status.
  await db.db('users').update({ status: 'online' })
  const seeded = performance.now()
  // Sessions in SQL and tokens minted with the server's secret: no REST login per member in the setup.
  const tokens = await seededTokens(db.db, server.url, users)
  const loggedIn = performance.now()
  // POST /api/groups takes at most 1,000 members (owner included); the rest join through
  // POST /api/groups/:group_id/members, at most 1,000 user ids per call.
  const ids = users.map((u) => u.user_id)
  const { chatId, groupId } = await createGroup(server.url, tokens[0], ids.slice(1, CREATE_MAX))
  for (let from = CREATE_MAX; from < ids.length; from += ADD_MAX)
    await api(
      server.url,
      'POST',
      `/api/groups/${groupId}/members`,
      { user_ids: ids.slice(from, from + ADD_MAX) },
      tokens[0]
    )
  const done = performance.now()
  const s = (a: number, b: number) => round((b - a) / 1000, 1)
  const setupNote = `setup: ${members} users seeded in SQL (status online) ${s(started, seeded)} s, ${members} sessions and tokens minted ${s(
    seeded,
    loggedIn
  )} s, POST /api/groups${
    members > CREATE_MAX
      ? ` + ${Math.ceil((members - CREATE_MAX) / ADD_MAX)} × POST /api/groups/:id/members`
      : ''
  } ${s(loggedIn, done)} s`
  progress(`group of ${members}: ${setupNote}`)
  const clients: ClientSpec[] = users.map((u, i) => ({
    url: server.url,
    userId: u.user_id,
    token: tokens[i]
  }))
  return { chatId, clients, users, setupNote }
}

const orderNote = (r: LoadResult) =>
  `${r.deliveries} of ${r.expectedDeliveries} deliveries, out of order ${r.outOfOrder}, gaps ${r.gaps}, errors ${r.errors}`
const exact = (r: LoadResult) => r.deliveredRatio === 1 && r.outOfOrder === 0 && r.gaps === 0
/** CPU per delivery: ours ≤ 1.5× B0's. */
const cpuMet = (ours: LoadResult, b0: LoadResult) => usPerDelivery(ours) <= 1.5 * usPerDelivery(b0)

const compared = (
  scenario: string,
  metric: string,
  unit: string,
  ours: number,
  b0: number,
  better: 'higher' | 'lower',
  extra: Partial<ScenarioRow> = {}
): ScenarioRow => ({
  scenario,
  metric,
  unit,
  ours,
  baseline: b0,
  baselineName: B0,
  ratio: round(better === 'higher' ? ours / b0 : b0 / ours, 3),
  better,
  ...extra
})

async function largeGroup(res: Resources, members: number): Promise<ScenarioRow[]> {
  const limit = openFilesLimit()
  if (limit < members + 1000)
    throw new Error(`open files limit ${limit} is too low for ${members} sockets: run under ulimit -n 20000`)
  const db = await res.database(`sizes${members}`)
  const [server, b0Server] = await Promise.all([
    res.server({ DATABASE_URL: db.url, JWT_SECRET: STORM_JWT_SECRET }, `sizes-${members}`),
    res.server({}, 'baseline', 'bench/baseline-socketio.ts')
  ])
  const group = await seedGroup(db, server, members, `big${members}`)
  // B0 stands for the same users in the same chat (ids, names): its messages have our messages' bytes.
  const b0Chat = group.chatId
  const senders = senderIndices(members, SENDERS)
  const plan = (name: string, chatId: string, rate: number): LoadRun => ({
    name,
    senders: senders.map((client) => ({ client, chatId })),
    mode: { kind: 'open', rate },
    recipientsPerMessage: members,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS
  })
  const oursSetup = {
    name: `group of ${members} ours`,
    clients: group.clients,
    serverPids: [server.pid],
    pgPids: () => backendPids(db.db),
    sample: serverSampler(db.db, [server.url]),
    connectConcurrency: CONNECT_CONCURRENCY
  }
  const b0Setup = {
    name: `group of ${members} B0`,
    clients: baselineClientsFor(b0Server.url, group.users, b0Chat),
    serverPids: [b0Server.pid],
    connectConcurrency: CONNECT_CONCURRENCY
  }
  // Both servers keep their sockets for the whole part: the probe runs on ours, then B0 and ours at one rate.
  const { probe, rate, b0, ours } = await withLoad(oursSetup, (runOurs) =>
    withLoad(b0Setup, async (runB0) => {
      const probe = await runOurs({
        name: `group of ${members} ours closed-loop probe`,
        senders: senders.map((client) => ({ client, chatId: group.chatId })),
        mode: { kind: 'closed', inFlight: 2 },
        recipientsPerMessage: members,
        warmupMs: 1000,
        measureMs: PROBE_MS
      })
      // What the box did: messages acknowledged, or fewer if the members' receipts lagged behind.
      const capacity = Math.min(probe.createdPerSec, probe.deliveriesPerSec / members)
      const rate = Math.max(1, round(capacity * RATE_FRACTION, capacity * RATE_FRACTION >= 20 ? 0 : 1))
      progress(`group of ${members}: probe ${probe.createdPerSec} msg/s; open loop at ${rate} msg/s`)
      const b0 = await runB0(plan(`group of ${members} B0 ${rate} msg/s`, b0Chat, rate))
      const ours = await runOurs(plan(`group of ${members} ours ${rate} msg/s`, group.chatId, rate))
      return { probe, rate, b0, ours }
    })
  )
  await b0Server.stop()
  const stored = await persistedNote(db, [probe, ours])

  const s = `group of ${members.toLocaleString('en-US')} (open loop ${rate} msg/s from ${SENDERS} senders)`
  const connects = `connecting ${members} sockets: ours ${ours.connectMs} ms, B0 ${b0.connectMs} ms`
  return [
    compared(s, 'messages created/s', 'msg/s', ours.createdPerSec, b0.createdPerSec, 'higher', {
      target: `${rate} msg/s sustained (≥ 97 %)`,
      met: ours.createdPerSec >= 0.97 * rate,
      note:
        `rate = ${RATE_FRACTION} × what a closed-loop probe on ours did (${SENDERS} senders × 2 in flight, ` +
        `${PROBE_MS / 1000} s: ${probe.createdPerSec} msg/s, ${probe.deliveriesPerSec} deliveries/s, last member ` +
        `p99 ${probe.lastMember.p99} ms); ${group.setupNote}; ${connects}; ours: ${cpuNote(ours)}; B0: ${cpuNote(b0)}`
    }),
    compared(s, 'deliveries/s', 'deliveries/s', ours.deliveriesPerSec, b0.deliveriesPerSec, 'higher'),
    ...(['p50', 'p99'] as const).map((p) =>
      compared(s, `send → receive ${p} (per delivery)`, 'ms', ours.latency[p], b0.latency[p], 'lower')
    ),
    compared(
      s,
      `send → last member p99 (${ours.lastMember.count} messages)`,
      'ms',
      ours.lastMember.p99,
      b0.lastMember.p99,
      'lower',
      members <= 1000
        ? {
            target: `≤ ${LAST_MEMBER_GOAL_MS} ms (goal)`,
            met: ours.lastMember.p99 <= LAST_MEMBER_GOAL_MS,
            note: `p50 ours ${ours.lastMember.p50} ms, B0 ${b0.lastMember.p50} ms; max ours ${ours.lastMember.max} ms, B0 ${b0.lastMember.max} ms`
          }
        : {
            note: `no target at this size; p50 ours ${ours.lastMember.p50} ms, B0 ${b0.lastMember.p50} ms; max ours ${ours.lastMember.max} ms, B0 ${b0.lastMember.max} ms`
          }
    ),
    compared(s, 'server CPU per delivery', 'µs', usPerDelivery(ours), usPerDelivery(b0), 'lower', {
      target: '≤ 1.5× B0',
      met: cpuMet(ours, b0),
      note: `server process CPU in the window / deliveries (PostgreSQL not included: ${ours.cpu.postgres} s); server writes per delivery ours ${round(
        ours.serverWrites / Math.max(ours.deliveries, 1),
        3
      )}, B0 ${round(b0.serverWrites / Math.max(b0.deliveries, 1), 3)}`
    }),
    compared(
      s,
      `delivered ratio (deliveries / (created × ${members})), 0 out of order, 0 gaps`,
      'ratio',
      ours.deliveredRatio,
      b0.deliveredRatio,
      'higher',
      {
        target: '1.0, 0 out of order, 0 gaps',
        met: exact(ours),
        note: `ours: ${orderNote(ours)}; B0: ${orderNote(b0)}; probe: ratio ${probe.deliveredRatio}, ${orderNote(
          probe
        )}; acknowledged messages stored (probe and run, warm-ups included): ${stored.persisted} of ${stored.acked}`
      }
    )
  ]
}

const sizeLabel = (bytes: number) =>
  bytes <= 32
    ? `~${bytes} B (unpadded: label and stamp)`
    : bytes % 1024 === 0
      ? `${bytes / 1024} KB`
      : `${round(bytes / 1000, 1)} kB (${bytes} chars)`

async function sizeSweep(res: Resources): Promise<ScenarioRow[]> {
  const db = await res.database('sizesweep')
  const [server, b0Server] = await Promise.all([
    res.server({ DATABASE_URL: db.url, JWT_SECRET: STORM_JWT_SECRET }, 'sizesweep'),
    res.server({}, 'baseline', 'bench/baseline-socketio.ts')
  ])
  const group = await seedGroup(db, server, SWEEP_GROUP, 'sweep')
  const b0Chat = group.chatId
  const senders = senderIndices(SWEEP_GROUP, SENDERS)
  const plan = (name: string, chatId: string, contentBytes: number): LoadRun => ({
    name,
    senders: senders.map((client) => ({ client, chatId })),
    mode: { kind: 'closed', inFlight: SWEEP_IN_FLIGHT },
    recipientsPerMessage: SWEEP_GROUP,
    warmupMs: SWEEP_WARMUP_MS,
    measureMs: SWEEP_MEASURE_MS,
    contentBytes
  })
  const oursSetup = {
    name: 'size sweep ours',
    clients: group.clients,
    serverPids: [server.pid],
    pgPids: () => backendPids(db.db),
    sample: serverSampler(db.db, [server.url])
  }
  const b0Setup = {
    name: 'size sweep B0',
    clients: baselineClientsFor(b0Server.url, group.users, b0Chat),
    serverPids: [b0Server.pid]
  }
  const runs = await withLoad(oursSetup, (runOurs) =>
    withLoad(b0Setup, async (runB0) => {
      const runs: { bytes: number; b0: LoadResult; ours: LoadResult }[] = []
      // Both processes are fresh: one unrecorded closed-loop run each first (JIT), as in bench/fanout.ts. With
      // 2 s of warm-up instead, TurboFan still took 21 % of our server's CPU in the 4 KB window (perf).
      await jitWarmup(runB0, plan('size sweep B0', b0Chat, SWEEP_BYTES[0]))
      await jitWarmup(runOurs, plan('size sweep ours', group.chatId, SWEEP_BYTES[0]))
      for (const bytes of SWEEP_BYTES) {
        const b0 = await runB0(plan(`size sweep ${bytes} B B0`, b0Chat, bytes))
        const ours = await runOurs(plan(`size sweep ${bytes} B ours`, group.chatId, bytes))
        runs.push({ bytes, b0, ours })
      }
      return runs
    })
  )
  await b0Server.stop()
  const stored = await persistedNote(
    db,
    runs.map((r) => r.ours)
  )
  const s = `message-size sweep (group of ${SWEEP_GROUP}, ${SENDERS} senders × ${SWEEP_IN_FLIGHT} in flight)`
  return runs.flatMap(({ bytes, b0, ours }): ScenarioRow[] => {
    const label = sizeLabel(bytes)
    const createdRatio = ours.createdPerSec / b0.createdPerSec
    return [
      compared(s, `messages created/s, ${label}`, 'msg/s', ours.createdPerSec, b0.createdPerSec, 'higher', {
        target: '≥ 0.75× B0',
        met: createdRatio >= 0.75,
        note: `ours: ${cpuNote(ours)}; B0: ${cpuNote(b0)}`
      }),
      compared(
        s,
        `deliveries/s, ${label}`,
        'deliveries/s',
        ours.deliveriesPerSec,
        b0.deliveriesPerSec,
        'higher'
      ),
      compared(
        s,
        `server CPU per delivery, ${label}`,
        'µs',
        usPerDelivery(ours),
        usPerDelivery(b0),
        'lower',
        {
          target: '≤ 1.5× B0',
          met: cpuMet(ours, b0),
          note: `server writes per delivery ours ${round(ours.serverWrites / Math.max(ours.deliveries, 1), 3)}, B0 ${round(
            b0.serverWrites / Math.max(b0.deliveries, 1),
            3
          )}`
        }
      ),
      compared(
        s,
        `send → receive p99, ${label} (closed loop, includes queueing)`,
        'ms',
        ours.latency.p99,
        b0.latency.p99,
        'lower',
        { note: `p50 ours ${ours.latency.p50} ms, B0 ${b0.latency.p50} ms` }
      ),
      compared(s, `delivered ratio, ${label}`, 'ratio', ours.deliveredRatio, b0.deliveredRatio, 'higher', {
        target: '1.0, 0 out of order, 0 gaps',
        met: exact(ours),
        note:
          `ours: ${orderNote(ours)}; B0: ${orderNote(b0)}` +
          (bytes === SWEEP_BYTES[SWEEP_BYTES.length - 1]
            ? `; acknowledged messages stored (all sizes, warm-ups included): ${stored.persisted} of ${stored.acked}`
            : '')
      })
    ]
  })
}

export async function run(): Promise<ScenarioRow[]> {
  const parts: ScenarioPart[] = [
    ...GROUP_SIZES.map((n): ScenarioPart => ['large', `large: group of ${n}`, (res) => largeGroup(res, n)]),
    ['sweep', 'sweep: message-size sweep', sizeSweep]
  ]
  return runParts('fan-out sizes', parts, process.env.BENCH_SIZES_ONLY)
}

runStandalone(module, run)

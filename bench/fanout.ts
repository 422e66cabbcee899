// Realtime benchmarks: fan-out to a group of 100 against the bare Socket.IO baseline B0, latency at half the
// maximum rate, 1,000 users in 500 private chats at a fixed rate, and two instances + Redis against one.
// The load generator runs in worker processes (bench/lib/fanout-worker.ts), never in a server's process.
// Each scenario gets a fresh PostgreSQL database (dropped after) and its own server processes.
//   npx tsx bench/fanout.ts                       prints the rows as a table, then as JSON
// Environment: BENCH_WORKERS (2), BENCH_WARMUP_MS (2000), BENCH_MEASURE_MS (10000), BENCH_MANY_CHATS_RATE (1000),
// BENCH_SCALE_OUT_REPEAT (2: one and two instances interleaved, best run of each kept),
// BENCH_CPU_PROF=<dir> (write --cpu-prof profiles of our server processes there), BENCH_ONLY (comma-separated:
// fan-out, two instances + Redis, many chats), BENCH_POSTGRES_URL, REDIS_URL.
import {
  backendPids,
  createGroup,
  createPairChats,
  loginAll,
  seedUsers,
  serverSampler
} from './lib/chat-setup'
import { redisUrl, type BenchDatabase } from './lib/environment'
import type { ClientSpec } from './lib/feathers-load-client'
import type { LoadResult, LoadRun } from './lib/load-driver'
import { progress, round, type ScenarioRow } from './lib/results'
import {
  cpuNote,
  markdownTable,
  persistedNote,
  Resources,
  usPerDelivery,
  withLoad
} from './lib/scenario-helpers'

const GROUP = 100
const SENDERS = 4
const IN_FLIGHT = 8
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000)
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 10_000)
const SCALE_OUT_REPEAT = Math.max(1, Number(process.env.BENCH_SCALE_OUT_REPEAT ?? 2))
const MANY_USERS = 1000
const MANY_RATE = Number(process.env.BENCH_MANY_CHATS_RATE ?? 1000)
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
  return { chatId, clients: clients(urls), clientsOn: clients }
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

async function fanOut(res: Resources): Promise<{ rows: ScenarioRow[]; ours: LoadResult }> {
  // B0: the bare Socket.IO server, same clients, same harness.
  const b0Server = await res.server({}, 'baseline', 'bench/baseline-socketio.ts')
  const b0Clients = Array.from({ length: GROUP }, (_, i) => ({
    url: b0Server.url,
    userId: `u${i}`,
    token: `baseline:u${i}:bench-group`
  }))
  const b0 = await withLoad({ name: 'fan-out B0', clients: b0Clients, serverPids: [b0Server.pid] }, (run) =>
    run(closedRun('fan-out B0', 'bench-group'))
  )
  await b0Server.stop()

  const db = await res.database('fanout')
  const server = await res.server({ DATABASE_URL: db.url }, 'fanout')
  const group = await groupOf100(db, server.url, [server.url])
  const setup = {
    name: 'fan-out ours',
    clients: group.clients,
    serverPids: [server.pid],
    pgPids: () => backendPids(db.db),
    sample: serverSampler(db.db, [server.url])
  }
  const { ours, half, halfRate } = await withLoad(setup, async (run) => {
    const ours = await run(closedRun('fan-out ours', group.chatId))
    const halfRate = Math.max(1, round(ours.createdPerSec / 2, 0))
    const half = await run({
      ...closedRun(`fan-out ours open loop ${halfRate} msg/s`, group.chatId),
      mode: { kind: 'open', rate: halfRate }
    })
    return { ours, half, halfRate }
  })
  const stored = await persistedNote(db, [ours, half])

  const s = `fan-out (group of ${GROUP})`
  const b0Name = 'B0 bare Socket.IO'
  const ratio = round(ours.createdPerSec / b0.createdPerSec, 3)
  const rows: ScenarioRow[] = [
    {
      scenario: s,
      metric: `messages created/s (closed loop, ${SENDERS} senders × ${IN_FLIGHT} in flight)`,
      unit: 'msg/s',
      ours: ours.createdPerSec,
      baseline: b0.createdPerSec,
      baselineName: b0Name,
      ratio,
      better: 'higher',
      target: '≥ 50 % of baseline',
      met: ratio >= 0.5,
      note: `ours: ${cpuNote(ours)}; B0: ${cpuNote(b0)}; errors ours ${ours.errors}, B0 ${b0.errors}`
    },
    {
      scenario: s,
      metric: 'deliveries/s',
      unit: 'deliveries/s',
      ours: ours.deliveriesPerSec,
      baseline: b0.deliveriesPerSec,
      baselineName: b0Name,
      ratio: round(ours.deliveriesPerSec / b0.deliveriesPerSec, 3),
      better: 'higher'
    },
    ...latencyRows(s, 'closed loop, includes queueing', ours, b0),
    {
      scenario: s,
      metric: 'delivered ratio (deliveries / (created × 100); all 100 members incl. the sender)',
      unit: 'ratio',
      ours: ours.deliveredRatio,
      baseline: b0.deliveredRatio,
      baselineName: b0Name,
      better: 'higher',
      target: '1.0',
      met: ours.deliveredRatio === 1,
      note: `half-rate run: ${half.deliveredRatio}`
    },
    {
      scenario: s,
      metric: 'acknowledged messages persisted (rows found / acks)',
      unit: 'fraction',
      ours: round(stored.fraction, 4),
      better: 'higher',
      target: '1.0 (every acknowledged message stored)',
      met: stored.persisted === stored.acked,
      note: `${stored.persisted} of ${stored.acked} acknowledged messages (both runs, warm-up included) found in PostgreSQL`
    },
    {
      scenario: s,
      metric: 'server CPU per delivery',
      unit: 'µs',
      ours: usPerDelivery(ours),
      baseline: usPerDelivery(b0),
      baselineName: b0Name,
      ratio: round(usPerDelivery(b0) / usPerDelivery(ours), 3),
      better: 'lower',
      note: 'server process CPU in the window / deliveries (PostgreSQL not included)'
    },
    {
      scenario: s,
      metric: `send → receive p99 at 50 % of our max rate (open loop, ${halfRate} msg/s)`,
      unit: 'ms',
      ours: half.latency.p99,
      better: 'lower',
      target: '≤ 50 ms',
      met: half.latency.p99 <= 50,
      note: `p50 ${half.latency.p50}, p95 ${half.latency.p95}, max ${half.latency.max} ms; achieved ${half.createdPerSec} msg/s, errors ${half.errors}; ${cpuNote(half)}`
    }
  ]
  return { rows, ours }
}

async function scaleOut(res: Resources, noRedis?: LoadResult): Promise<ScenarioRow[]> {
  const db = await res.database('scaleout')
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `chat-bench-${process.pid}:` }
  const a = await res.server(env, 'scaleout-a')
  const group = await groupOf100(db, a.url, [a.url])
  const pgPids = () => backendPids(db.db)
  // Interleaved one, two, one, two (the second instance runs only for the two-instance runs): this shared
  // 2-core box drifts, so each configuration keeps its best run (highest created/s).
  const ones: LoadResult[] = []
  const twos: LoadResult[] = []
  for (let i = 1; i <= SCALE_OUT_REPEAT; i++) {
    const oneSetup = {
      name: 'one instance',
      clients: group.clients,
      serverPids: [a.pid],
      pgPids,
      sample: serverSampler(db.db, [a.url])
    }
    ones.push(await withLoad(oneSetup, (run) => run(closedRun(`one instance + Redis #${i}`, group.chatId))))
    const b = await res.server(env, 'scaleout-b')
    const twoSetup = {
      name: 'two instances',
      clients: group.clientsOn([a.url, b.url]),
      serverPids: [a.pid, b.pid],
      pgPids,
      sample: serverSampler(db.db, [a.url, b.url])
    }
    twos.push(await withLoad(twoSetup, (run) => run(closedRun(`two instances + Redis #${i}`, group.chatId))))
    await b.stop()
  }
  const best = (runs: LoadResult[]) => runs.reduce((x, y) => (y.createdPerSec > x.createdPerSec ? y : x))
  const one = best(ones)
  const two = best(twos)
  const stored = await persistedNote(db, [...ones, ...twos])
  const allRates = `created/s of every run: one ${ones.map((r) => r.createdPerSec).join(', ')}; two ${twos
    .map((r) => r.createdPerSec)
    .join(', ')}`

  const s = `two instances + Redis (group of ${GROUP}, 50/50)`
  const name = 'one instance + Redis'
  const ratio = round(two.createdPerSec / one.createdPerSec, 3)
  const cpuRatio = round(usPerDelivery(two) / usPerDelivery(one), 3)
  return [
    {
      scenario: s,
      metric: 'messages created/s, two instances / one',
      unit: 'msg/s',
      ours: two.createdPerSec,
      baseline: one.createdPerSec,
      baselineName: name,
      ratio,
      better: 'higher',
      target: '≥ 1.6× one instance (needs ≥ 4 cores: see note)',
      met: ratio >= 1.6,
      note:
        `best of ${SCALE_OUT_REPEAT} interleaved runs each (${allRates}). 2 cores shared by 2 servers, PostgreSQL, ` +
        `Redis and the generator. two: ${cpuNote(two)}; one: ${cpuNote(one)}` +
        (noRedis ? `; one instance without Redis (fan-out run): ${noRedis.createdPerSec} msg/s` : '')
    },
    {
      scenario: s,
      metric: 'server CPU per delivery (sum over the instances)',
      unit: 'µs',
      ours: usPerDelivery(two),
      baseline: usPerDelivery(one),
      baselineName: name,
      ratio: cpuRatio,
      better: 'lower',
      target: 'two ≤ 1.25× one (design doc S7, for a 2-core box)',
      met: cpuRatio <= 1.25,
      note: `ratio here = two / one; deliveries in the window: two ${two.deliveries}, one ${one.deliveries}`
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
      metric: 'delivered ratio (deliveries / (created × 100))',
      unit: 'ratio',
      ours: two.deliveredRatio,
      baseline: one.deliveredRatio,
      baselineName: name,
      better: 'higher',
      target: '1.0',
      met: two.deliveredRatio === 1
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
  const server = await res.server({ DATABASE_URL: db.url }, 'manychats')
  const users = await seedUsers(db.db, MANY_USERS, 'many')
  const tokens = await loginAll(server.url, users)
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
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS
  })
  const sustained = (r: LoadResult, rate: number) =>
    r.createdPerSec >= 0.97 * rate && r.deliveredRatio === 1 && r.errors === 0 && r.latency.p99 < 1000
  // The scheduled rate; if it is not sustained, a short closed-loop probe (32 senders in 32 chats, one create
  // outstanding each) measures what the server can do, and a second open-loop run goes at 70 % of that.
  const probeSenders = Array.from({ length: 32 }, (_, k) => k * Math.floor(MANY_USERS / 32)).map(
    (client) => ({
      client,
      chatId: chats[Math.floor(client / 2)]
    })
  )
  const { runs, probe } = await withLoad(setup, async (run) => {
    const runs = [{ rate: MANY_RATE, result: await run(plan(MANY_RATE)) }]
    if (sustained(runs[0].result, MANY_RATE)) return { runs }
    progress(`many chats: ${MANY_RATE} msg/s not sustained; probing the maximum rate`)
    const probe = await run({
      name: 'many chats closed-loop probe',
      senders: probeSenders,
      mode: { kind: 'closed', inFlight: 1 },
      recipientsPerMessage: 2,
      warmupMs: 1000,
      measureMs: 5000
    })
    const rate = Math.max(10, round(probe.createdPerSec * 0.7, -1))
    runs.push({ rate, result: await run(plan(rate)) })
    return { runs, probe }
  })
  const stored = await persistedNote(db, [...runs.map((r) => r.result), ...(probe ? [probe] : [])])
  const s = `many chats (${MANY_USERS} users, ${chats.length} private chats)`
  const probeRow: ScenarioRow[] = probe
    ? [
        {
          scenario: s,
          metric: 'max messages created/s (closed loop, 32 senders in 32 chats, 1 in flight each)',
          unit: 'msg/s',
          ours: probe.createdPerSec,
          better: 'higher',
          note: `p50 ${probe.latency.p50} ms, p99 ${probe.latency.p99} ms, errors ${probe.errors}; ${cpuNote(probe)}`
        }
      ]
    : []
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

const failedRow = (scenario: string, error: any): ScenarioRow => ({
  scenario,
  metric: 'run failed',
  unit: '',
  ours: NaN,
  better: 'higher',
  met: false,
  note: String(error?.message ?? error)
})

export async function run(): Promise<ScenarioRow[]> {
  const rows: ScenarioRow[] = []
  const started = performance.now()
  let single: LoadResult | undefined
  const scenarios: [string, (res: Resources) => Promise<ScenarioRow[]>][] = [
    ['fan-out', async (res) => ((r) => ((single = r.ours), r.rows))(await fanOut(res))],
    ['two instances + Redis', (res) => scaleOut(res, single)],
    ['many chats', manyChats]
  ]
  const only = process.env.BENCH_ONLY?.split(',')
  for (const [name, scenario] of scenarios.filter(([name]) => !only || only.includes(name))) {
    const res = new Resources()
    try {
      progress(`scenario ${name}`)
      rows.push(...(await scenario(res)))
    } catch (error: any) {
      progress(`scenario ${name} failed: ${error?.stack ?? error}`)
      rows.push(failedRow(name, error))
    } finally {
      await res.release()
    }
  }
  progress(`realtime benchmarks done in ${round((performance.now() - started) / 1000, 1)} s`)
  return rows
}

if (require.main === module) {
  run().then(
    (rows) => {
      console.log(markdownTable(rows))
      console.log(JSON.stringify(rows, null, 2))
      process.exit(0)
    },
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}

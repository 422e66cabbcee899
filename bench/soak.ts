// Soak: one server of ours (PostgreSQL + Redis) under a realistic mix for SOAK_SECONDS (10 minutes by default),
// against the bare Socket.IO baseline B0 (bench/baseline-socketio.ts) soaked with the same message mix.
//
// Population (seeded in SQL; one REST login per user): SOAK_USERS users (1,000), each in 2 private chats with
// its ring neighbours, one group of 10 and one group of 100; every user on a Feathers socket held by
// SOAK_WORKERS worker processes (bench/lib/soak-worker.ts), never in the server's process.
// Open loops at fixed total rates: messages (SOAK_RATE, 100/s; the chat kind by weight: 50 % private, 35 %
// group of 10, 15 % group of 100), typing indicators (SOAK_TYPING_RATE, 20/s; half stopped explicitly),
// read receipts (mark-read, SOAK_READ_RATE, 20/s), presence changes (PUT status, SOAK_PRESENCE_RATE, 5/s) and
// reconnects (SOAK_RECONNECT_RATE, 2/s: a client disconnects, stays away 0.5–3 s, reconnects, authenticates and
// catches up on each of its chats with `after_seq`).
// Every ~15 s (SOAK_SAMPLE_SECONDS) the server gets a forced full GC through the inspector (it runs with
// --inspect on loopback), then heapUsed and RSS (/proc/<pid>/status) are sampled. The start figures are the
// sample after the warm-up (SOAK_WARMUP_SECONDS, 60 s), the end figures the last one.
// After the soak every acknowledged message is checked against every member of its chat (live delivery or
// catch-up, by seq); live deliveries of a seq already delivered live are duplicates.
// B0 runs the same message mix and reconnect trickle (no catch-up: it has no history) for SOAK_BASELINE_SECONDS
// (min(SOAK_SECONDS, 240) by default, so the baseline does not double the run), same warm-up.
//   npx tsx bench/soak.ts                           (SOAK_SECONDS=60 SOAK_USERS=200 for a quick run)
import { WorkerProcess } from './lib/worker-process'
import path from 'node:path'
import { countPersisted, loginAll, seedUsers, type BenchUser } from './lib/chat-setup'
import {
  cpuSeconds,
  createBenchDatabase,
  freePort,
  redisUrl,
  rssBytes,
  startProcess,
  type BenchDatabase,
  type ServerProcess
} from './lib/environment'
import { now } from './lib/feathers-load-client'
import { percentile, progress, round, type ScenarioRow, runStandalone } from './lib/results'
import { Inspector } from './lib/inspector'
import type {
  ChatKind,
  SoakCheck,
  SoakCommand,
  SoakRates,
  SoakReport,
  SoakStatus,
  SoakUser
} from './lib/soak-worker'
import { ulid } from 'ulid'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600)
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? Math.min(60, Math.round(SECONDS / 4)))
const BASELINE_SECONDS = Number(process.env.SOAK_BASELINE_SECONDS ?? Math.min(SECONDS, 240))
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 15)
const USERS = Math.max(20, Number(process.env.SOAK_USERS ?? 1000))
const WORKERS = Math.max(1, Number(process.env.SOAK_WORKERS ?? process.env.BENCH_WORKERS ?? 2))
const RATES: SoakRates = {
  messages: Number(process.env.SOAK_RATE ?? 100),
  typing: Number(process.env.SOAK_TYPING_RATE ?? 20),
  read: Number(process.env.SOAK_READ_RATE ?? 20),
  presence: Number(process.env.SOAK_PRESENCE_RATE ?? 5),
  reconnects: Number(process.env.SOAK_RECONNECT_RATE ?? 2)
}
const WEIGHTS: Record<ChatKind, number> = { private: 0.5, group10: 0.35, group100: 0.15 }
const OFFLINE_MS: [number, number] = [500, 3000]
const B0 = 'B0 bare Socket.IO (messages + reconnects only)'
const MB = 2 ** 20
/** SOAK_CPU_PROF=<dir>: a CPU profile of our server over the first two sample intervals after the warm-up. */
const PROFILE_DIR = process.env.SOAK_CPU_PROF ?? process.env.BENCH_CPU_PROF

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

// ---------------------------------------------------------------------------------------------------------
// Population: seeded in SQL, as bench/idle.ts does.

interface Population {
  users: BenchUser[]
  chatsOf: Map<string, { chatId: string; kind: ChatKind }[]>
  members: Map<string, number>
  counts: Record<ChatKind, number>
}

const seedPopulation = async ({ db }: BenchDatabase): Promise<Population> => {
  const users = await seedUsers(db, USERS, 'soak')
  const chats: any[] = []
  const participants: { chat_id: string; user_id: string }[] = []
  const groups: any[] = []
  const groupMembers: any[] = []
  const chatsOf = new Map<string, { chatId: string; kind: ChatKind }[]>(users.map((u) => [u.user_id, []]))
  const members = new Map<string, number>()
  const counts: Record<ChatKind, number> = { private: 0, group10: 0, group100: 0 }
  const join = (chat_id: string, user_id: string, kind: ChatKind) => {
    participants.push({ chat_id, user_id })
    chatsOf.get(user_id)!.push({ chatId: chat_id, kind })
    members.set(chat_id, (members.get(chat_id) ?? 0) + 1)
  }
  for (let i = 0; i < USERS; i++) {
    const pair = [users[i].user_id, users[(i + 1) % USERS].user_id]
    const chat_id = ulid()
    chats.push({ chat_id, type: 'private', private_key: [...pair].sort().join(':'), created_by: pair[0] })
    for (const user_id of pair) join(chat_id, user_id, 'private')
    counts.private++
  }
  for (const [size, kind] of [
    [10, 'group10'],
    [100, 'group100']
  ] as const) {
    for (let g = 0; g * size < USERS; g++) {
      const group = users.slice(g * size, g * size + size)
      const chat_id = ulid()
      const group_id = ulid()
      const name = `Soak group of ${size} #${g}`
      chats.push({ chat_id, type: 'group', name, created_by: group[0].user_id })
      groups.push({ group_id, chat_id, name, owner_id: group[0].user_id, member_count: group.length })
      group.forEach(({ user_id }, k) => {
        join(chat_id, user_id, kind)
        groupMembers.push({ group_id, user_id, role: k === 0 ? 'owner' : 'member' })
      })
      counts[kind]++
    }
  }
  await db.batchInsert('chats', chats, 500)
  await db.batchInsert('chat_participants', participants, 1000)
  await db.batchInsert('groups', groups, 500)
  await db.batchInsert('group_members', groupMembers, 1000)
  await db.raw('ANALYZE users, chats, chat_participants, groups, group_members')
  return { users, chatsOf, members, counts }
}

// ---------------------------------------------------------------------------------------------------------
// One soak against one server

interface MemorySample {
  /** seconds since the soak started */
  at: number
  rss: number
  heap: number
  gcMs: number
}

interface SoakResult {
  label: string
  seconds: number
  samples: MemorySample[]
  start: MemorySample
  end: MemorySample
  /** the sample closest to `compareAt` s (to set ours beside a shorter baseline) */
  sampleAt: (seconds: number) => MemorySample
  cpuWindow: number
  generatorCpuWindow: number
  windowSeconds: number
  ackedInWindow: number
  ackedTotal: number
  ackedIds: string[]
  latency: { p50: number; p99: number; max: number; count: number }
  /** the same, leaving out messages sent from 1 s before a forced-GC sample to 1 s after it */
  latencyOutsideGc: { p50: number; p99: number; count: number }
  ack: { p50: number; p99: number }
  catchUp: { p50: number; p99: number; count: number }
  reports: SoakReport[]
  check?: SoakCheck
  connectMs: number
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
const merge = (parts: Float64Array[]) => {
  const all = new Float64Array(sum(parts.map((p) => p.length)))
  let offset = 0
  for (const p of parts) {
    all.set(p, offset)
    offset += p.length
  }
  return all.sort() as unknown as number[]
}
const sumRecords = (records: Record<string, number>[]) => {
  const out: Record<string, number> = {}
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v
  return out
}
const cpuOf = async (pids: number[]) => sum(await Promise.all(pids.map(cpuSeconds)))

const soak = async (options: {
  label: string
  server: ServerProcess
  inspector: Inspector
  population: Population
  tokens: string[]
  baseline: boolean
  seconds: number
  db?: BenchDatabase
}): Promise<SoakResult> => {
  const { label, server, inspector, population, baseline, seconds } = options
  const rates: SoakRates = baseline ? { ...RATES, typing: 0, read: 0, presence: 0 } : RATES
  const users: SoakUser[] = population.users.map((u, i) => ({
    userId: u.user_id,
    token: options.tokens[i] ?? '',
    chats: population.chatsOf.get(u.user_id)!
  }))
  const workers = Array.from(
    { length: WORKERS },
    () => new WorkerProcess<SoakCommand>(path.join(__dirname, 'lib', 'soak-worker.ts'), 'soak worker', 3000)
  )
  try {
    const blocks = workers.map((_, w) =>
      users.slice(Math.floor((w * USERS) / WORKERS), Math.floor(((w + 1) * USERS) / WORKERS))
    )
    const connectStart = performance.now()
    await Promise.all(
      workers.map((worker, w) =>
        worker.request(
          { type: 'connect', url: server.url, baseline, users: blocks[w], concurrency: 16 },
          'connected',
          300_000
        )
      )
    )
    const connectMs = Math.round(performance.now() - connectStart)
    progress(`soak/${label}: ${USERS} clients connected in ${connectMs} ms`)
    const statusOf = async () => {
      const all = await Promise.all(
        workers.map((w) => w.request<{ status: SoakStatus }>({ type: 'status' }, 'status'))
      )
      return all
        .map((m) => m.status)
        .reduce((a, b) => ({
          acked: a.acked + b.acked,
          liveDeliveries: a.liveDeliveries + b.liveDeliveries,
          errors: a.errors + b.errors,
          reconnects: a.reconnects + b.reconnects,
          offline: a.offline + b.offline
        }))
    }

    const start = now() + 500
    const timeline = { start, measureFrom: start + WARMUP_SECONDS * 1000, end: start + seconds * 1000 }
    const workerPids = workers.map((w) => w.child.pid!)
    let done = false
    const running = Promise.all(
      workers.map((worker, w) =>
        worker.request(
          {
            type: 'run',
            timeline,
            rates: {
              messages: (rates.messages * blocks[w].length) / USERS,
              typing: (rates.typing * blocks[w].length) / USERS,
              read: (rates.read * blocks[w].length) / USERS,
              presence: (rates.presence * blocks[w].length) / USERS,
              reconnects: (rates.reconnects * blocks[w].length) / USERS
            },
            weights: WEIGHTS,
            offlineMs: OFFLINE_MS
          },
          'done',
          seconds * 1000 + 120_000
        )
      )
    ).finally(() => (done = true))

    // Memory samples at fixed times: the end of the warm-up, every SAMPLE_SECONDS after it, and the end.
    const samples: MemorySample[] = []
    const gcWindows: [number, number][] = []
    const sampleNow = async () => {
      const gcStart = now()
      const { heap, gcMs } = await inspector.heapAfterGc()
      gcWindows.push([gcStart - 1000, now() + 1000])
      const sample = {
        at: round((now() - start) / 1000, 1),
        rss: await rssBytes(server.pid),
        heap,
        gcMs: round(gcMs, 1)
      }
      samples.push(sample)
      return sample
    }
    const times: number[] = []
    for (let t = timeline.measureFrom; t < timeline.end - 1000; t += SAMPLE_SECONDS * 1000) times.push(t)
    times.push(timeline.end)
    // Before the warm-up ends, a sample every SAMPLE_SECONDS too (shown in the note, not used for the drift).
    const warmupTimes: number[] = []
    for (let t = start + SAMPLE_SECONDS * 1000; t < timeline.measureFrom - 1000; t += SAMPLE_SECONDS * 1000)
      warmupTimes.push(t)
    let cpuFrom = 0
    let generatorFrom = 0
    let cpuTo = 0
    let generatorTo = 0
    let lastStatus = { acked: 0, liveDeliveries: 0, errors: 0, reconnects: 0, offline: 0 }
    for (const t of [...warmupTimes, ...times]) {
      await Promise.race([running.catch(() => undefined), sleep(t - now())])
      if (done && now() < t - 1000) break
      if (t === timeline.measureFrom) {
        cpuFrom = await cpuSeconds(server.pid)
        generatorFrom = await cpuOf(workerPids)
        if (PROFILE_DIR && !baseline) await inspector.startProfile(1000)
      }
      if (
        PROFILE_DIR &&
        !baseline &&
        t === times[Math.min(2, times.length - 1)] &&
        t !== timeline.measureFrom
      ) {
        const file = path.join(PROFILE_DIR, `soak-ours-${Date.now()}.cpuprofile`)
        await inspector.stopProfile(file)
        progress(`soak/${label}: CPU profile of the window from the end of the warm-up written to ${file}`)
      }
      if (t === timeline.end) {
        cpuTo = await cpuSeconds(server.pid)
        generatorTo = await cpuOf(workerPids)
      }
      const s = await sampleNow()
      const status = await statusOf()
      progress(
        `soak/${label}: ${s.at} s${t < timeline.measureFrom ? ' (warm-up)' : ''}: RSS ${round(s.rss / MB, 1)} MB, heap ${round(s.heap / MB, 1)} MB (GC ${s.gcMs} ms); ` +
          `acked ${status.acked} (+${status.acked - lastStatus.acked}), live deliveries ${status.liveDeliveries} (+${status.liveDeliveries - lastStatus.liveDeliveries}), ` +
          `reconnects ${status.reconnects}, offline now ${status.offline}, errors ${status.errors}`
      )
      lastStatus = status
    }
    await running

    // Drain: until live deliveries stop growing for 2 s (at most 20 s).
    const drainStart = performance.now()
    let previous = -1
    let stableSince = performance.now()
    while (performance.now() - stableSince < 2000 && performance.now() - drainStart < 20_000) {
      const status = await statusOf()
      if (status.liveDeliveries !== previous) {
        previous = status.liveDeliveries
        stableSince = performance.now()
      }
      await sleep(200)
    }

    const reports = (
      await Promise.all(workers.map((w) => w.request<{ report: SoakReport }>({ type: 'report' }, 'report')))
    ).map((m) => m.report)
    let check: SoakCheck | undefined
    if (!baseline) {
      const acked: Record<string, number[]> = {}
      for (const r of reports) for (const [chatId, seq] of r.acked) (acked[chatId] ??= []).push(seq)
      const lastSeq: Record<string, number> = {}
      if (options.db) {
        const rows = await options.db.db('chats').select('chat_id', 'last_seq')
        for (const row of rows) lastSeq[row.chat_id] = Number(row.last_seq)
      }
      const checks = (
        await Promise.all(
          workers.map((w) => w.request<{ check: SoakCheck }>({ type: 'check', acked, lastSeq }, 'checked'))
        )
      ).map((m) => m.check)
      check = {
        lost: sum(checks.map((c) => c.lost)),
        lostReconnected: sum(checks.map((c) => c.lostReconnected)),
        missingStored: sum(checks.map((c) => c.missingStored)),
        expected: sum(checks.map((c) => c.expected)),
        lostSamples: checks.flatMap((c) => c.lostSamples).slice(0, 5)
      }
    }
    const latencies = merge(reports.map((r) => r.latencies))
    const outsideGc: number[] = []
    for (const r of reports)
      r.latencies.forEach((latency, i) => {
        const sent = r.latencySentAt[i]
        if (!gcWindows.some(([from, to]) => sent >= from && sent <= to)) outsideGc.push(latency)
      })
    outsideGc.sort((a, b) => a - b)
    const acks = merge(reports.map((r) => r.ackLatencies))
    const catchUps = merge(reports.map((r) => r.catchUpMs))
    const startSample = samples.find((s) => s.at >= WARMUP_SECONDS - 1) ?? samples[0]
    const endSample = samples[samples.length - 1]
    const result: SoakResult = {
      label,
      seconds,
      samples,
      start: startSample,
      end: endSample,
      sampleAt: (at) =>
        samples.reduce((best, s) => (Math.abs(s.at - at) < Math.abs(best.at - at) ? s : best)),
      cpuWindow: round(cpuTo - cpuFrom, 2),
      generatorCpuWindow: round(generatorTo - generatorFrom, 2),
      windowSeconds: seconds - WARMUP_SECONDS,
      ackedInWindow: sum(reports.map((r) => r.ackedInWindow)),
      ackedTotal: sum(reports.map((r) => r.ackedTotal)),
      ackedIds: reports.flatMap((r) => r.ackedIds),
      latency: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies[latencies.length - 1] ?? NaN),
        count: latencies.length
      },
      latencyOutsideGc: {
        p50: round(percentile(outsideGc, 50)),
        p99: round(percentile(outsideGc, 99)),
        count: outsideGc.length
      },
      ack: { p50: round(percentile(acks, 50)), p99: round(percentile(acks, 99)) },
      catchUp: {
        p50: round(percentile(catchUps, 50)),
        p99: round(percentile(catchUps, 99)),
        count: catchUps.length
      },
      reports,
      check,
      connectMs
    }
    progress(
      `soak/${label}: done; acked ${result.ackedTotal}, latency p50/p99 ${result.latency.p50}/${result.latency.p99} ms, ` +
        `RSS ${round(result.start.rss / MB, 1)} → ${round(result.end.rss / MB, 1)} MB, heap ${round(result.start.heap / MB, 1)} → ${round(result.end.heap / MB, 1)} MB` +
        (check ? `, lost ${check.lost} of ${check.expected}` : '')
    )
    return result
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rows

const drift = (from: number, to: number) => round(((to - from) / from) * 100, 1)
/** Least-squares slope (MB per minute) of a memory series over the samples after the warm-up. */
const slopePerMinute = (samples: MemorySample[], key: 'rss' | 'heap', fromAt: number) => {
  const points = samples.filter((s) => s.at >= fromAt - 1).map((s) => [s.at / 60, s[key] / MB] as const)
  const n = points.length
  if (n < 2) return NaN
  const mx = sum(points.map(([x]) => x)) / n
  const my = sum(points.map(([, y]) => y)) / n
  const sxy = sum(points.map(([x, y]) => (x - mx) * (y - my)))
  const sxx = sum(points.map(([x]) => (x - mx) ** 2))
  return round(sxy / sxx, 2)
}
const series = (samples: MemorySample[], key: 'rss' | 'heap') =>
  samples.map((s) => `${Math.round(s.at)}s ${round(s[key] / MB, 1)}`).join(', ')

const rowsOf = (ours: SoakResult, b0: SoakResult | undefined, population: Population): ScenarioRow[] => {
  const s = `soak (${USERS.toLocaleString('en')} users, ${ours.seconds} s)`
  const merged = {
    ops: sumRecords(ours.reports.map((r) => r.ops)),
    events: sumRecords(ours.reports.map((r) => r.events)),
    errorsByKind: sumRecords(ours.reports.map((r) => r.errorsByKind)),
    errors: sum(ours.reports.map((r) => r.errors)),
    duplicates: sum(ours.reports.map((r) => r.duplicates)),
    overlaps: sum(ours.reports.map((r) => r.overlaps)),
    outOfOrder: sum(ours.reports.map((r) => r.outOfOrder)),
    unexpected: sum(ours.reports.map((r) => r.unexpected)),
    caughtUp: sum(ours.reports.map((r) => r.caughtUp)),
    catchUpPages: sum(ours.reports.map((r) => r.catchUpPages)),
    reconnects: sum(ours.reports.map((r) => r.reconnects)),
    dropped: sum(ours.reports.map((r) => r.dropped)),
    live: sum(ours.reports.map((r) => r.liveDeliveries)),
    errorSamples: ours.reports.flatMap((r) => r.errorSamples).slice(0, 4)
  }
  const b0Errors = b0 ? sum(b0.reports.map((r) => r.errors)) : NaN
  const b0Duplicates = b0 ? sum(b0.reports.map((r) => r.duplicates)) : NaN
  const mix =
    `${population.counts.private} private chats, ${population.counts.group10} groups of 10, ${population.counts.group100} groups of 100 ` +
    `(each user in 2 private chats, one group of 10, one of 100); ${USERS} Feathers sockets from ${WORKERS} worker processes; open loops: ` +
    `${RATES.messages} msg/s (chat kind by weight: private ${WEIGHTS.private}, group of 10 ${WEIGHTS.group10}, group of 100 ${WEIGHTS.group100}), ` +
    `typing ${RATES.typing}/s (half also stopped), mark-read ${RATES.read}/s, presence ${RATES.presence}/s, reconnects ${RATES.reconnects}/s ` +
    `(away ${OFFLINE_MS[0] / 1000}–${OFFLINE_MS[1] / 1000} s, then after_seq catch-up on every chat); ours with PostgreSQL + Redis.`
  const b0Window = b0 ? b0.seconds - WARMUP_SECONDS : 0
  const oursAtB0End = b0 ? ours.sampleAt(WARMUP_SECONDS + b0Window) : undefined
  const b0Note = b0
    ? `B0: the same message mix and reconnect trickle (no catch-up, it keeps no history; typing, read receipts and presence it does not implement, so it gets none), ` +
      `for ${b0.seconds} s (warm-up ${WARMUP_SECONDS} s) instead of ${ours.seconds} s so the baseline does not double the run.`
    : 'B0 not run.'
  const memoryRow = (key: 'rss' | 'heap', what: string): ScenarioRow[] => {
    const oursDrift = drift(ours.start[key], ours.end[key])
    const b0Drift = b0 ? drift(b0.start[key], b0.end[key]) : undefined
    const sameWindow = oursAtB0End ? drift(ours.start[key], oursAtB0End[key]) : undefined
    return [
      {
        scenario: s,
        metric: `server ${what} at the start (after the ${WARMUP_SECONDS} s warm-up, after a forced GC)`,
        unit: 'MB',
        ours: round(ours.start[key] / MB, 1),
        ...(b0
          ? {
              baseline: round(b0.start[key] / MB, 1),
              baselineName: B0,
              ratio: round(b0.start[key] / ours.start[key], 3)
            }
          : {}),
        better: 'lower',
        note: `sampled at ${ours.start.at} s (B0 ${b0?.start.at ?? '—'} s)`
      },
      {
        scenario: s,
        metric: `server ${what} at the end (after a forced GC)`,
        unit: 'MB',
        ours: round(ours.end[key] / MB, 1),
        ...(b0
          ? {
              baseline: round(b0.end[key] / MB, 1),
              baselineName: B0,
              ratio: round(b0.end[key] / ours.end[key], 3)
            }
          : {}),
        better: 'lower',
        note: `sampled at ${ours.end.at} s (B0 at ${b0?.end.at ?? '—'} s)`
      },
      {
        scenario: s,
        metric: `server ${what} drift, start → end`,
        unit: '%',
        ours: oursDrift,
        ...(b0Drift !== undefined ? { baseline: b0Drift, baselineName: B0 } : {}),
        better: 'lower',
        target: 'flat within 10 %',
        met: Math.abs(oursDrift) <= 10,
        note:
          `(end − start) / start, samples every ${SAMPLE_SECONDS} s after a forced full GC through the inspector; least-squares slope after the warm-up ` +
          `ours ${slopePerMinute(ours.samples, key, WARMUP_SECONDS)} MB/min${b0 ? `, B0 ${slopePerMinute(b0.samples, key, WARMUP_SECONDS)} MB/min` : ''}` +
          (sameWindow !== undefined && b0
            ? `; ours over the same ${b0Window} s window as B0 (to ${oursAtB0End!.at} s): ${sameWindow} %`
            : '') +
          `. Ours, MB: ${series(ours.samples, key)}` +
          (b0 ? `. B0, MB: ${series(b0.samples, key)}` : '') +
          `. ${b0Note}`
      }
    ]
  }
  const check = ours.check!
  const usPerMessage = (r: SoakResult) => round((r.cpuWindow / Math.max(1, r.ackedInWindow)) * 1e6, 0)
  return [
    ...memoryRow('rss', 'RSS'),
    ...memoryRow('heap', 'V8 heapUsed'),
    {
      scenario: s,
      metric: 'lost messages ((acknowledged message, member) pairs never received, live or by catch-up)',
      unit: 'count',
      ours: check.lost,
      better: 'lower',
      target: '0',
      met: check.lost === 0,
      note:
        `${check.expected.toLocaleString('en')} (message, member) pairs checked by seq, the sender's own socket included; ${check.lostReconnected} of the lost at users who reconnected` +
        `; stored messages (up to chats.last_seq) missing at a member: ${check.missingStored}` +
        (check.lostSamples.length ? `; e.g. ${check.lostSamples.join('; ')}` : '') +
        `; ${merged.reconnects} planned reconnects and ${merged.dropped} connections dropped by the server (each followed by a reconnect with backoff and a catch-up), ${merged.caughtUp} messages fetched by catch-up in ${merged.catchUpPages} pages (catch-up of all chats p50 ${ours.catchUp.p50} ms, p99 ${ours.catchUp.p99} ms)` +
        `; ${merged.live.toLocaleString('en')} live deliveries, ${merged.overlaps} live copies of a seq already fetched by catch-up (expected around a reconnect, not duplicates), ${merged.outOfOrder} live deliveries below the highest seq already delivered, ${merged.unexpected} for an unknown chat.`
    },
    {
      scenario: s,
      metric: 'duplicate deliveries (a live delivery of a seq the member already had live)',
      unit: 'count',
      ours: merged.duplicates,
      ...(b0 ? { baseline: b0Duplicates, baselineName: B0 } : {}),
      better: 'lower',
      target: '0',
      met: merged.duplicates === 0
    },
    {
      scenario: s,
      metric: 'errors (failed or timed-out calls of every kind)',
      unit: 'count',
      ours: merged.errors,
      ...(b0 ? { baseline: b0Errors, baselineName: B0 } : {}),
      better: 'lower',
      target: '0',
      met: merged.errors === 0,
      note:
        `calls: ${Object.entries(merged.ops)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; events received: ${Object.entries(merged.events)
          .map(([k, v]) => `${k.replace(/^api\//, '')} ${v}`)
          .join(', ')}` +
        (merged.errors
          ? `; errors by kind: ${Object.entries(merged.errorsByKind)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}; e.g. ${merged.errorSamples.join(' | ')}`
          : '') +
        `. ${mix}`
    },
    {
      scenario: s,
      metric: 'send → receive p99 over the soak (after the warm-up)',
      unit: 'ms',
      ours: ours.latency.p99,
      ...(b0
        ? { baseline: b0.latency.p99, baselineName: B0, ratio: round(b0.latency.p99 / ours.latency.p99, 3) }
        : {}),
      better: 'lower',
      note:
        `live deliveries only, every member incl. the sender, from the scheduled send time (open loop): ours p50 ${ours.latency.p50} ms, max ${ours.latency.max} ms over ${ours.latency.count.toLocaleString('en')} deliveries; ack p50/p99 ${ours.ack.p50}/${ours.ack.p99} ms` +
        (b0 ? `; B0 p50 ${b0.latency.p50} ms, max ${b0.latency.max} ms` : '') +
        `. Each memory sample forces two full GCs in the server (ours took up to ${Math.max(...ours.samples.map((x) => x.gcMs))} ms, B0 up to ${b0 ? Math.max(...b0.samples.map((x) => x.gcMs)) : '—'} ms), which lands in the tail: see the next row.`
    },
    {
      scenario: s,
      metric: 'send → receive p99 outside the forced-GC samples',
      unit: 'ms',
      ours: ours.latencyOutsideGc.p99,
      ...(b0
        ? {
            baseline: b0.latencyOutsideGc.p99,
            baselineName: B0,
            ratio: round(b0.latencyOutsideGc.p99 / ours.latencyOutsideGc.p99, 3)
          }
        : {}),
      better: 'lower',
      note:
        `as above, leaving out messages sent from 1 s before to 1 s after each memory sample (the harness's forced GCs): ours p50 ${ours.latencyOutsideGc.p50} ms over ${ours.latencyOutsideGc.count.toLocaleString('en')} deliveries` +
        (b0 ? `; B0 p50 ${b0.latencyOutsideGc.p50} ms` : '')
    },
    {
      scenario: s,
      metric: 'server CPU per message (after the warm-up)',
      unit: 'µs',
      ours: usPerMessage(ours),
      ...(b0
        ? {
            baseline: usPerMessage(b0),
            baselineName: B0,
            ratio: round(usPerMessage(b0) / usPerMessage(ours), 3)
          }
        : {}),
      better: 'lower',
      note:
        `server process CPU over the ${ours.windowSeconds} s window / messages acknowledged in it (${ours.ackedInWindow}, ${round(ours.ackedInWindow / ours.windowSeconds, 1)} msg/s): ours ${ours.cpuWindow} CPU s, which also pays for typing, read receipts, presence and catch-up` +
        (b0
          ? `; B0 ${b0.cpuWindow} CPU s over ${b0.windowSeconds} s (${b0.ackedInWindow} messages, ${round(b0.ackedInWindow / b0.windowSeconds, 1)} msg/s)`
          : '') +
        `; generator CPU ours ${ours.generatorCpuWindow} s. PostgreSQL and Redis CPU not included.`
    }
  ]
}

// ---------------------------------------------------------------------------------------------------------

export async function run(): Promise<ScenarioRow[]> {
  const stops: (() => Promise<void>)[] = []
  const started = performance.now()
  try {
    const db = await createBenchDatabase('soak')
    stops.push(db.drop)
    const population = await seedPopulation(db)
    progress(
      `soak: ${USERS} users, ${population.counts.private} private chats, ${population.counts.group10} groups of 10, ${population.counts.group100} groups of 100 seeded`
    )

    const inspectPort = await freePort()
    const server = await startProcess(
      {
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: `chat-bench-soak-${process.pid}:`,
        LOG_LEVEL: 'error'
      },
      { nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`] }
    )
    stops.push(server.stop)
    const inspector = await Inspector.connect(inspectPort)
    stops.push(async () => inspector.close())
    const tokens = await loginAll(server.url, population.users)
    progress(`soak: ${tokens.length} users logged in`)
    const ours = await soak({
      label: 'ours',
      server,
      inspector,
      population,
      tokens,
      baseline: false,
      seconds: SECONDS,
      db
    })
    const persisted = await countPersisted(db.db, ours.ackedIds)
    if (persisted !== ours.ackedIds.length)
      progress(`soak: only ${persisted} of ${ours.ackedIds.length} acknowledged messages stored`)
    inspector.close()
    await server.stop()

    let b0: SoakResult | undefined
    if (BASELINE_SECONDS > 0) {
      const b0Port = await freePort()
      const b0Server = await startProcess(
        {},
        { script: 'bench/baseline-socketio.ts', waitFor: 'port', nodeArgs: [`--inspect=127.0.0.1:${b0Port}`] }
      )
      stops.push(b0Server.stop)
      const b0Inspector = await Inspector.connect(b0Port)
      stops.push(async () => b0Inspector.close())
      b0 = await soak({
        label: 'B0',
        server: b0Server,
        inspector: b0Inspector,
        population,
        tokens: [],
        baseline: true,
        seconds: BASELINE_SECONDS
      })
      b0Inspector.close()
      await b0Server.stop()
    }
    const rows = rowsOf(ours, b0, population)
    const lostRow = rows.find((r) => r.metric.startsWith('lost messages'))!
    lostRow.note += ` Persisted: ${persisted} of ${ours.ackedIds.length} acknowledged messages found in PostgreSQL.`
    progress(`soak done in ${round((performance.now() - started) / 1000, 1)} s`)
    return rows
  } finally {
    while (stops.length) await stops.pop()!().catch((e) => progress(`cleanup: ${e?.message ?? e}`))
  }
}

runStandalone(module, run)

// History reads across many cold chats, with and without concurrent writes, ours vs baseline B4 (bare Koa + pg
// running the same SQL: bench/baseline-koa-pg.ts).
//
// Seed (SQL, not the API): COLD_CHATS groups (2,000) of two members each, the reader (a member of every chat)
// and one of 20 writer users, each holding COLD_MESSAGES messages (500; seq 1..N, chats.last_seq = N). The GIN
// search indexes are dropped for the load and rebuilt with their own definitions afterwards.
// Reads: `GET /api/chats/:chat_id/messages` of a random chat per request, half the newest page (`?limit=50`),
// half a `before=<id of a random message>&limit=50` page, so pages come from thousands of chats that no
// cache holds (ours runs without Redis by default: the database path, the same SQL as B4; COLD_REDIS=1 gives
// ours Redis, whose recent-messages queue then serves newest pages of chats already read or written).
// Load from this process (autocannon closed loop for req/s; open loop at 50 % of our closed-loop rate for p99,
// timed from each request's scheduled send: bench/lib/autocannon.ts), B4 then ours in each case.
// Concurrent writes: a worker process (this file, forked with HISTORY_COLD_WRITER=1) posts COLD_WRITE_RATE
// messages a second (200, open loop) over REST into random chats THROUGH OUR SERVER, in both servers' runs: the
// same write load on the same database and the same machine for both.
//   npx tsx bench/history-cold.ts            (COLD_CHATS=200 COLD_SECONDS=3 for a quick run)
// Environment: COLD_CHATS (1000), COLD_MESSAGES (500 per chat), COLD_WRITE_RATE (200 msg/s), COLD_SECONDS (3,
// per run), COLD_REDIS (0), BENCH_RATE_TOOL=autocannon, BENCH_CPU_PROF=<dir> (profile of our server).
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import os from 'node:os'
import bcrypt from 'bcryptjs'
import { ulid } from 'ulid'
import { closedLoop, fixedRate, type LoadResult } from './lib/autocannon'
import {
  cpuSeconds,
  seededDatabase,
  seedVersion,
  redisUrl,
  startProcess,
  type BenchDatabase,
  type ServerProcess
} from './lib/environment'
import { percentile, progress, round, type ScenarioRow, runStandalone } from './lib/results'
import { HTTP_WARMUP_SECONDS, profileArgs } from './lib/scenario-helpers'

const CHATS = Number(process.env.COLD_CHATS ?? 1000)
const PER_CHAT = Math.max(60, Number(process.env.COLD_MESSAGES ?? 500))
const WRITE_RATE = Number(process.env.COLD_WRITE_RATE ?? 200)
const SECONDS = Number(process.env.COLD_SECONDS ?? 3)
const WITH_REDIS = process.env.COLD_REDIS === '1'
const WRITERS = 20
const CONNECTIONS = 16
const PASSWORD = 'bench-password'
const BASELINE = 'B4 bare Koa + pg, same SQL'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))
const rand = (n: number) => Math.floor(Math.random() * n)
const load = () => round(os.loadavg()[0], 1)
/** Seeded message ids: '01' + chat index (6 digits) + seq (18 digits), older than any ULID the server makes. */
const messageId = (chat: number, seq: number) =>
  `01${String(chat).padStart(6, '0')}${String(seq).padStart(18, '0')}`

// ---------------------------------------------------------------------------------------------------------
// The writer worker: open loop of REST creates into random chats, each by that chat's writer.

interface WriterCommand {
  url: string
  rate: number
  /** per chat: its id and the token of the writer who is a member */
  chats: [string, string][]
}
interface WriterReport {
  sent: number
  acked: number
  errors: number
  errorSamples: string[]
  seconds: number
  p50: number
  p99: number
}

const writerMain = () => {
  process.on('disconnect', () => process.exit(0))
  let stopping = false
  let report: WriterReport | undefined
  process.on('message', async (message: WriterCommand | 'stop') => {
    if (message === 'stop') {
      stopping = true
      return
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
    const latencies: number[] = []
    const errorSamples: string[] = []
    let sent = 0
    let acked = 0
    let errors = 0
    const pending = new Set<Promise<void>>()
    const post = (chatId: string, token: string, scheduled: number) =>
      new Promise<void>((resolve) => {
        const body = JSON.stringify({ content: `cold write ${sent} into a chat nobody reads often` })
        const req = http.request(
          `${message.url}/api/chats/${chatId}/messages`,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              authorization: `Bearer ${token}`
            }
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c) => chunks.push(c))
            res.on('end', () => {
              if (res.statusCode === 201 || res.statusCode === 200) {
                acked++
                latencies.push(performance.now() - scheduled)
              } else {
                errors++
                if (errorSamples.length < 3)
                  errorSamples.push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 120)}`)
              }
              resolve()
            })
          }
        )
        req.on('error', (error) => {
          errors++
          if (errorSamples.length < 3) errorSamples.push(error.message)
          resolve()
        })
        req.end(body)
      })
    const start = performance.now() + 20
    const interval = 1000 / message.rate
    process.send!({ type: 'started' })
    while (!stopping) {
      const t = performance.now()
      while (start + sent * interval <= t) {
        const [chatId, token] = message.chats[rand(message.chats.length)]
        const p = post(chatId, token, start + sent * interval)
        pending.add(p)
        void p.then(() => pending.delete(p))
        sent++
      }
      await sleep(Math.min(5, start + sent * interval - performance.now()))
    }
    const seconds = (performance.now() - start) / 1000
    await Promise.race([Promise.all(pending), sleep(5000)])
    agent.destroy()
    latencies.sort((a, b) => a - b)
    report = {
      sent,
      acked,
      errors: errors + pending.size,
      errorSamples,
      seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99)
    }
    process.send!({ type: 'report', report })
  })
}

class Writer {
  private constructor(private readonly child: ChildProcess) {}

  static async start(command: WriterCommand) {
    const child = fork(__filename, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, HISTORY_COLD_WRITER: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    child.send(command)
    const [message] = (await once(child, 'message')) as [{ type: string }]
    if (message.type !== 'started') throw new Error('the writer did not start')
    return new Writer(child)
  }

  get pid() {
    return this.child.pid!
  }

  async stop(): Promise<WriterReport> {
    const answer = once(this.child, 'message') as Promise<[{ report: WriterReport }]>
    this.child.send('stop')
    const [{ report }] = await Promise.race([
      answer,
      sleep(15_000).then(() => {
        throw new Error('the writer did not report')
      })
    ])
    this.child.kill()
    return report
  }

  kill() {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

// ---------------------------------------------------------------------------------------------------------
// Seed

interface ColdSeed {
  chatIds: string[]
  reader: { email: string }
  writers: { email: string }[]
}

/** The writer index of chat k. */
const writerOf = (k: number) => k % WRITERS

const seed = async ({ db }: BenchDatabase): Promise<ColdSeed> => {
  const started = Date.now()
  const hash = await bcrypt.hash(PASSWORD, 4)
  const people = [
    { user_id: ulid(), email: 'reader@cold.bench', name: 'Reader' },
    ...Array.from({ length: WRITERS }, (_, i) => ({
      user_id: ulid(),
      email: `writer${i}@cold.bench`,
      name: `Writer ${i}`
    }))
  ]
  await db('users').insert(people.map((u) => ({ ...u, password_hash: hash })))
  const [reader, ...writers] = people
  const chatIds = Array.from({ length: CHATS }, () => ulid())
  const chats = chatIds.map((chat_id, k) => ({
    chat_id,
    type: 'group',
    name: `Cold chat ${k}`,
    created_by: reader.user_id,
    last_seq: PER_CHAT,
    last_message_at: db.raw('now()'),
    created_at: db.raw(`now() - interval '400 days'`)
  }))
  await db.batchInsert('chats', chats, 500)
  const groups = chatIds.map((chat_id, k) => ({
    group_id: ulid(),
    chat_id,
    name: `Cold chat ${k}`,
    owner_id: reader.user_id,
    member_count: 2
  }))
  await db.batchInsert('groups', groups, 500)
  const participants = chatIds.flatMap((chat_id, k) =>
    [reader, writers[writerOf(k)]].map((u) => ({
      chat_id,
      user_id: u.user_id,
      last_read_seq: PER_CHAT,
      last_delivered_seq: PER_CHAT
    }))
  )
  await db.batchInsert('chat_participants', participants, 1000)
  const groupMembers = groups.flatMap((g, k) => [
    { group_id: g.group_id, user_id: reader.user_id, role: 'owner' },
    { group_id: g.group_id, user_id: writers[writerOf(k)].user_id, role: 'member' }
  ])
  await db.batchInsert('group_members', groupMembers, 1000)

  // The GIN indexes are built once after the load (much faster than row by row), with the definitions the
  // migrations gave them.
  const gin = await db.raw(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'messages' AND indexdef ILIKE '%USING gin%'`
  )
  for (const row of gin.rows) await db.raw(`DROP INDEX ${row.indexname}`)
  // Two connections insert disjoint chat ranges (one per core). Writer k % 20 sends odd seqs, the reader even.
  const ranges: [number, number][] = []
  const step = Math.max(1, Math.floor(200_000 / PER_CHAT))
  for (let from = 0; from < CHATS; from += step) ranges.push([from, Math.min(CHATS, from + step)])
  let done = 0
  await Promise.all(
    [0, 1].map(async () => {
      for (let range = ranges.shift(); range; range = ranges.shift()) await insertRange(db, range)
    })
  )
  async function insertRange(knex: BenchDatabase['db'], [from, to]: [number, number]) {
    await knex.raw(
      `INSERT INTO messages (message_id, chat_id, sender_id, sender_name, content, type, status, seq, created_at)
       SELECT '01' || lpad(c.k::text, 6, '0') || lpad(s::text, 18, '0'), c.chat_id,
              CASE WHEN s % 2 = 1 THEN c.writer ELSE CAST(:reader AS text) END,
              CASE WHEN s % 2 = 1 THEN c.writer_name ELSE 'Reader' END,
              (ARRAY['see you at the meeting tomorrow', 'can you check the deploy logs', 'thanks, looks good to me',
                     'the build is green again', 'lunch at noon, ok', 'I pushed the fix to the branch'])[1 + (s + c.k) % 6]
                || ' (' || s || ')',
              'text', 'read', s, now() - (CAST(:perChat AS int) - s) * interval '1 minute' - c.k * interval '1 second'
       FROM (SELECT t.k, t.chat_id, w.user_id AS writer, w.name AS writer_name
             FROM unnest(CAST(:chatIds AS text[]), CAST(:chatIndexes AS int[])) AS t(chat_id, k)
             JOIN unnest(CAST(:writerIds AS text[]), CAST(:writerNames AS text[])) WITH ORDINALITY AS w(user_id, name, n)
               ON w.n = t.k % ${WRITERS} + 1) c,
            generate_series(1, CAST(:perChat AS int)) s`,
      {
        reader: reader.user_id,
        perChat: PER_CHAT,
        chatIds: chatIds.slice(from, to),
        chatIndexes: Array.from({ length: to - from }, (_, i) => from + i),
        writerIds: writers.map((w) => w.user_id),
        writerNames: writers.map((w) => w.name)
      }
    )
    done += (to - from) * PER_CHAT
    progress(
      `history-cold seed: ${done.toLocaleString('en')} / ${(CHATS * PER_CHAT).toLocaleString('en')} messages (${((Date.now() - started) / 1000).toFixed(1)} s)`
    )
  }
  await Promise.all(
    gin.rows.map(async (row: { indexdef: string }) => {
      await db.transaction(async (trx) => {
        await trx.raw(`SET LOCAL maintenance_work_mem = '256MB'`)
        await trx.raw(row.indexdef)
      })
    })
  )
  await db.raw('VACUUM ANALYZE messages')
  await db.raw('ANALYZE users, chats, chat_participants, groups, group_members')
  progress(
    `history-cold seed: done in ${((Date.now() - started) / 1000).toFixed(1)} s (${gin.rows.length} GIN indexes rebuilt)`
  )
  return { chatIds, reader, writers }
}

// ---------------------------------------------------------------------------------------------------------
// The measured runs

type Server = { name: 'ours' | 'baseline'; proc: ServerProcess; headers: Record<string, string> }
type Measured = LoadResult & { serverCpuMs: number; writerLoad?: number }

const login = async (url: string, email: string) => {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD })
  })
  const body = (await res.json()) as { access_token?: string }
  if (!body.access_token) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(body)}`)
  return body.access_token
}

/** JSON with sorted keys, to compare the two servers' answers. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v
  )

export async function run(): Promise<ScenarioRow[]> {
  const started = Date.now()
  const loadAtStart = load()
  const stops: (() => Promise<void> | void)[] = []
  try {
    const kept = await seededDatabase(`historycold${CHATS}x${PER_CHAT}`, seedVersion(__filename), seed)
    const bench = kept.bench
    stops.push(bench.drop)
    const seeded = { ...kept.info, writerOf }
    const seedSeconds = round((Date.now() - started) / 1000, 1)

    const oursProc = await startProcess(
      {
        DATABASE_URL: bench.url,
        LOG_LEVEL: 'error',
        ...(WITH_REDIS ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `chat-bench-cold-${process.pid}:` } : {})
      },
      { nodeArgs: profileArgs('history-cold') }
    )
    stops.push(oursProc.stop)
    const b4Proc = await startProcess(
      { DATABASE_URL: bench.url },
      { script: 'bench/baseline-koa-pg.ts', waitFor: 'port' }
    )
    stops.push(b4Proc.stop)
    const ours: Server = {
      name: 'ours',
      proc: oursProc,
      headers: { authorization: `Bearer ${await login(oursProc.url, seeded.reader.email)}` }
    }
    const baseline: Server = { name: 'baseline', proc: b4Proc, headers: {} }
    const writerTokens = await Promise.all(seeded.writers.map((w) => login(oursProc.url, w.email)))
    const writerChats = seeded.chatIds.map((id, k): [string, string] => [
      id,
      writerTokens[seeded.writerOf(k)]
    ])

    // Half newest pages, half `before=` pages at a random depth, each of a random chat.
    const path = () => {
      const k = rand(CHATS)
      const base = `/api/chats/${seeded.chatIds[k]}/messages`
      return Math.random() < 0.5
        ? `${base}?limit=50`
        : `${base}?before=${messageId(k, 51 + rand(PER_CHAT - 50))}&limit=50`
    }
    // Same answers from both servers (same rows, same JSON shape), else the comparison would be void.
    const probes = [
      `/api/chats/${seeded.chatIds[0]}/messages?limit=50`,
      `/api/chats/${seeded.chatIds[CHATS - 1]}/messages?before=${messageId(CHATS - 1, Math.min(300, PER_CHAT))}&limit=50`
    ]
    const mismatches: string[] = []
    for (const p of probes) {
      const [a, b] = await Promise.all(
        [ours, baseline].map((s) => fetch(`${s.proc.url}${p}`, { headers: s.headers }).then((r) => r.json()))
      )
      if (canonical(a) !== canonical(b))
        mismatches.push(`${p} (ours ${canonical(a).slice(0, 160)}… B4 ${canonical(b).slice(0, 160)}…)`)
    }
    progress(
      mismatches.length
        ? `warning: answers differ for ${mismatches.join(', ')}`
        : 'ours and B4 answer identically'
    )

    const measure = async (
      server: Server,
      mode: 'closed' | 'fixed',
      rate?: number,
      writer?: Writer
    ): Promise<Measured> => {
      const cpu0 = await cpuSeconds(server.proc.pid)
      const writerCpu0 = writer ? await cpuSeconds(oursProc.pid) : 0
      const options = {
        base: server.proc.url,
        path,
        headers: server.headers,
        seconds: SECONDS,
        connections: CONNECTIONS
      }
      const result =
        mode === 'closed' ? await closedLoop(options) : await fixedRate({ ...options, rate: rate! })
      const serverCpuMs = (((await cpuSeconds(server.proc.pid)) - cpu0) * 1000) / Math.max(1, result.count)
      const writerLoad =
        writer && server.name === 'baseline'
          ? ((await cpuSeconds(oursProc.pid)) - writerCpu0) / SECONDS
          : undefined
      progress(
        `  ${server.name.padEnd(8)} ${mode === 'closed' ? 'closed loop' : `${rate} req/s`}${writer ? ' + writes' : ''}: ${round(result.rps, 0)} req/s, ` +
          `p50 ${round(result.p50)} ms, p99 ${round(result.p99)} ms, failures ${result.failures}, server CPU ${round(serverCpuMs, 3)} ms/req`
      )
      return { ...result, serverCpuMs, writerLoad }
    }

    // The JIT warm-up of every scenario (BENCH_JIT_WARMUP_MS), for both servers alike.
    progress(`warm-up (${HTTP_WARMUP_SECONDS} s closed loop per server, not recorded)`)
    for (const server of [baseline, ours]) {
      await closedLoop({
        base: server.proc.url,
        path,
        headers: server.headers,
        seconds: HTTP_WARMUP_SECONDS,
        connections: CONNECTIONS
      })
    }

    const rows: ScenarioRow[] = []
    const s = `history-cold (${CHATS.toLocaleString('en')} chats × ${PER_CHAT} messages)`
    for (const withWrites of [false, true]) {
      const label = withWrites ? `with ${WRITE_RATE} msg/s concurrent writes` : 'no concurrent writes'
      progress(`history-cold: ${label}`)
      let writer: Writer | undefined
      if (withWrites) {
        writer = await Writer.start({ url: oursProc.url, rate: WRITE_RATE, chats: writerChats })
        stops.push(() => writer?.kill())
        await sleep(1000)
      }
      const cb = await measure(baseline, 'closed', undefined, writer)
      const co = await measure(ours, 'closed', undefined, writer)
      const rate = Math.max(10, Math.round(co.rps / 2))
      const fb = await measure(baseline, 'fixed', rate, writer)
      const fo = await measure(ours, 'fixed', rate, writer)
      const writes = writer ? await writer.stop() : undefined
      writer = undefined
      const failures = cb.failures + co.failures + fb.failures + fo.failures
      const writeNote = writes
        ? ` Writes (through our server, REST, random chats, open loop during all four runs): ${writes.acked} acknowledged of ${writes.sent} sent in ${round(writes.seconds, 1)} s (${round(writes.acked / writes.seconds, 1)}/s), ${writes.errors} errors${writes.errorSamples.length ? ` (${writes.errorSamples.join('; ')})` : ''}, write p50/p99 ${round(writes.p50)}/${round(writes.p99)} ms; our server spent ${round(cb.writerLoad ?? NaN, 2)} CPU s/s on the writes during B4's closed-loop run.`
        : ''
      const common =
        `Random chat per request of ${CHATS.toLocaleString('en')} (${(CHATS * PER_CHAT).toLocaleString('en')} messages), half newest pages (?limit=50), half before=<random message>&limit=50; ` +
        `ours ${WITH_REDIS ? 'with Redis' : 'without Redis (database path, same SQL as B4)'}; B4 then ours. Load average ${loadAtStart} at start, ${load()} now (2 cores).` +
        (mismatches.length ? ' WARNING: the two servers answered differently.' : '') +
        (failures ? ` ${failures} failed requests!` : '') +
        writeNote
      const ratio = round(co.rps / cb.rps, 3)
      rows.push(
        {
          scenario: s,
          metric: `req/s closed loop, ${label}`,
          unit: 'req/s',
          ours: round(co.rps, 0),
          baseline: round(cb.rps, 0),
          baselineName: BASELINE,
          ratio,
          better: 'higher',
          target: '≥ 0.5 × baseline',
          met: co.rps >= cb.rps / 2,
          note: `autocannon, ${CONNECTIONS} connections, ${SECONDS} s each; p50/p99 ours ${round(co.p50)}/${round(co.p99)} ms, B4 ${round(cb.p50)}/${round(cb.p99)} ms (at saturation). Server CPU ms/req ours ${round(co.serverCpuMs, 2)} vs B4 ${round(cb.serverCpuMs, 2)} (ours also authenticates the JWT, checks the session and membership). ${common}`
        },
        {
          scenario: s,
          metric: `p99 ms at ${rate} req/s (50 % of our closed-loop rate), ${label}`,
          unit: 'ms',
          ours: round(fo.p99),
          baseline: round(fb.p99),
          baselineName: BASELINE,
          ratio: round(fb.p99 / fo.p99, 3),
          better: 'lower',
          target: '≤ 50 ms',
          met: fo.p99 <= 50,
          note: `open loop at a fixed ${rate} req/s for both servers, latency from each request's scheduled send (no coordinated omission), ${SECONDS} s; p50 ours ${round(fo.p50)} ms, B4 ${round(fb.p50)} ms; sender timer lag p99 ours ${round(fo.sendLagP99 ?? NaN)} / B4 ${round(fb.sendLagP99 ?? NaN)} ms; failures ours ${fo.failures}, B4 ${fb.failures}.`
        }
      )
    }
    progress(`history-cold done in ${round((Date.now() - started) / 1000, 1)} s (seed ${seedSeconds} s)`)
    rows[0].note += ` Seed ${seedSeconds} s; whole scenario ${round((Date.now() - started) / 1000, 1)} s.`
    return rows
  } finally {
    while (stops.length) {
      await Promise.resolve(stops.pop()!()).catch((e) => progress(`cleanup: ${e?.message ?? e}`))
    }
  }
}

if (process.env.HISTORY_COLD_WRITER === '1') writerMain()
else runStandalone(module, run)

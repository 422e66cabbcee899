// Outgoing webhooks (SPEC §15, issue 15): what one webhook subscribed to `message.created` costs the fan-out
// row, and how fast the durable queue delivers to a local receiver.
//   npx tsx bench/webhooks.ts
// 1. fan-out (group of 100), three interleaved pairs of closed-loop runs on one server: without a webhook, then
//    with one (created before the run, removed after its deliveries drained); medians compared. Every delivery
//    is verified by the sink (bench/lib/webhook-sink.ts) with the standardwebhooks verifier.
// 2. delivery throughput: the sink holds its first answer while messages are sent, so a backlog builds up in
//    the queue (one delivery in flight per webhook and chat, in order); then it answers everything and the
//    drain is timed. Baseline: a bare loop in its own process posting the same number of signed deliveries of
//    the same size to the same sink, one at a time over a keep-alive connection (the ordered-stream ceiling).
// Environment: BENCH_WARMUP_MS, BENCH_MEASURE_MS, BENCH_WEBHOOK_PAIRS (3), BENCH_WEBHOOK_BACKLOG_MS (3000).
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { api, backendPids, createGroup, loginAll, seedUsers, serverSampler } from './lib/chat-setup'
import type { LoadResult, LoadRun } from './lib/load-driver'
import { progress, round, type ScenarioRow, runStandalone } from './lib/results'
import { cpuNote, Resources, usPerDelivery, withLoad } from './lib/scenario-helpers'

const GROUP = 100
const SENDERS = 4
const IN_FLIGHT = 8
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500)
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 5000)
const PAIRS = Math.max(1, Number(process.env.BENCH_WEBHOOK_PAIRS ?? 3))
const BACKLOG_MS = Number(process.env.BENCH_WEBHOOK_BACKLOG_MS ?? 3000)
const DRAIN_TIMEOUT_MS = 180_000

interface SinkStatus {
  received: number
  badSignatures: number
  duplicates: number
  firstAt: number
  lastAt: number
  sampleBody: string
  now: number
}

/** A sink process (bench/lib/webhook-sink.ts) and its commands. */
class Sink {
  private child: ChildProcess
  private waiting = new Map<string, (m: any) => void>()
  port = 0
  constructor() {
    this.child = fork(path.join(__dirname, 'lib', 'webhook-sink.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.child.on('message', (m: any) => {
      const waiter = this.waiting.get(m.type)
      this.waiting.delete(m.type)
      waiter?.(m)
    })
  }
  private answer(type: string) {
    return new Promise<any>((resolve) => this.waiting.set(type, resolve))
  }
  async start() {
    this.port = (await this.answer('listening')).port
    return this
  }
  async send(command: { type: string; [k: string]: unknown }) {
    const answer = this.answer(command.type)
    this.child.send(command)
    return answer
  }
  async status(): Promise<SinkStatus> {
    return (await this.send({ type: 'status' })).status
  }
  async waitFor(count: number, timeoutMs = DRAIN_TIMEOUT_MS): Promise<{ ok: boolean; status: SinkStatus }> {
    return this.send({ type: 'waitFor', count, timeoutMs })
  }
  stop() {
    this.child.send({ type: 'exit' })
  }
}

const closedRun = (name: string, chatId: string, senders: number[], measureMs = MEASURE_MS): LoadRun => ({
  name,
  senders: senders.map((client) => ({ client, chatId })),
  mode: { kind: 'closed', inFlight: IN_FLIGHT },
  recipientsPerMessage: GROUP,
  warmupMs: WARMUP_MS,
  measureMs
})

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The run whose created/s is the median of the runs. */
const medianRun = (runs: LoadResult[]) => {
  const m = median(runs.map((r) => r.createdPerSec))
  return runs.reduce((best, r) =>
    Math.abs(r.createdPerSec - m) < Math.abs(best.createdPerSec - m) ? r : best
  )
}

export async function run(): Promise<ScenarioRow[]> {
  const res = new Resources()
  const sink = await new Sink().start()
  const poster = await new Sink().start()
  try {
    const db = await res.database('webhooks')
    const server = await res.server(
      {
        DATABASE_URL: db.url,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        // The throughput phase holds the first answer while the backlog builds: no timeout in that window.
        WEBHOOK_TIMEOUT_MS: '60000'
      },
      'webhooks'
    )
    const users = await seedUsers(db.db, GROUP, 'hook')
    const tokens = await loginAll(server.url, users)
    const { chatId } = await createGroup(
      server.url,
      tokens[0],
      users.slice(1).map((u) => u.user_id)
    )
    const senders = Array.from({ length: SENDERS }, (_, i) => Math.floor((i * GROUP) / SENDERS))
    const subscribe = async () => {
      const hook = await api(
        server.url,
        'POST',
        '/api/webhooks',
        { url: `http://127.0.0.1:${sink.port}/hook`, events: ['message.created'], chat_id: chatId },
        tokens[0]
      )
      await sink.send({ type: 'secret', secret: hook.secret })
      await sink.send({ type: 'reset' })
      return hook.webhook_id as string
    }
    const unsubscribe = (id: string) => api(server.url, 'DELETE', `/api/webhooks/${id}`, undefined, tokens[0])

    const setup = {
      name: 'webhooks',
      clients: users.map((u, i) => ({ url: server.url, userId: u.user_id, token: tokens[i] })),
      serverPids: [server.pid],
      pgPids: () => backendPids(db.db),
      sample: serverSampler(db.db, [server.url])
    }
    const without: LoadResult[] = []
    const withHook: LoadResult[] = []
    const drains: { received: number; created: number; bad: number; duplicates: number; drainMs: number }[] =
      []
    let throughput: { count: number; ms: number } | undefined
    await withLoad(setup, async (runLoad) => {
      for (let i = 1; i <= PAIRS; i++) {
        without.push(await runLoad(closedRun(`fan-out without webhook #${i}`, chatId, senders)))
        const id = await subscribe()
        const r = await runLoad(closedRun(`fan-out with one webhook #${i}`, chatId, senders))
        withHook.push(r)
        const ended = (await sink.status()).now
        const { ok, status } = await sink.waitFor(r.createdTotal)
        if (!ok) progress(`webhooks: only ${status.received} of ${r.createdTotal} deliveries arrived`)
        drains.push({
          received: status.received,
          created: r.createdTotal,
          bad: status.badSignatures,
          duplicates: status.duplicates,
          drainMs: Math.max(0, status.lastAt - ended)
        })
        await unsubscribe(id)
      }
      // The backlog: the first delivery is held, the rest queue behind it (same webhook, same chat).
      const id = await subscribe()
      await sink.send({ type: 'hold' })
      const backlog = await runLoad(closedRun('webhook backlog', chatId, senders, BACKLOG_MS))
      await sink.waitFor(1)
      const released = (await sink.send({ type: 'release' })).at as number
      const { ok, status } = await sink.waitFor(backlog.createdTotal)
      if (!ok) throw new Error(`backlog: ${status.received} of ${backlog.createdTotal} delivered`)
      throughput = { count: backlog.createdTotal - 1, ms: status.lastAt - released }
      await unsubscribe(id)
    })
    // Baseline: the same number of signed deliveries of the same size, posted by a bare loop.
    const { sampleBody } = await sink.status()
    await sink.send({ type: 'reset' })
    const secret = `whsec_${Buffer.from('bench-baseline-secret-32-bytes!!').toString('base64')}`
    await sink.send({ type: 'secret', secret })
    const posted = await poster.send({
      type: 'post',
      count: throughput!.count,
      payload: sampleBody,
      secret,
      port: sink.port
    })
    if (posted.error) throw new Error(`baseline poster: ${posted.error}`)
    const baselineStatus = await sink.status()

    const a = medianRun(without)
    const b = medianRun(withHook)
    const ratio = round(b.createdPerSec / a.createdPerSec, 3)
    const s = `fan-out (group of ${GROUP}) with one webhook on message.created`
    const all = (runs: LoadResult[]) => runs.map((r) => r.createdPerSec).join(', ')
    const ours = round((throughput!.count / throughput!.ms) * 1000, 0)
    const bare = round((throughput!.count / posted.ms) * 1000, 0)
    const delivered = drains.reduce((n, d) => n + d.received, 0)
    const expected = drains.reduce((n, d) => n + d.created, 0)
    return [
      {
        scenario: s,
        metric: `messages created/s, with / without (median of ${PAIRS} interleaved pairs)`,
        unit: 'msg/s',
        ours: b.createdPerSec,
        baseline: a.createdPerSec,
        baselineName: 'the same server and group, no webhook',
        ratio,
        better: 'higher',
        target: 'within 15 % (≥ 0.85×)',
        met: ratio >= 0.85,
        note: `created/s without: ${all(without)}; with: ${all(withHook)}; with: ${cpuNote(b)}; without: ${cpuNote(a)}`
      },
      {
        scenario: s,
        metric: 'server CPU per delivery (sockets; the webhook worker included), with / without',
        unit: 'µs',
        ours: usPerDelivery(b),
        baseline: usPerDelivery(a),
        baselineName: 'no webhook',
        ratio: round(usPerDelivery(a) / usPerDelivery(b), 3),
        better: 'lower',
        note: 'server process CPU in the window (the sink not included) / socket deliveries'
      },
      {
        scenario: s,
        metric: 'webhook deliveries received / messages created (with-runs, warm-up included)',
        unit: 'fraction',
        ours: round(delivered / expected, 4),
        better: 'higher',
        target: '1.0, every signature valid',
        met: delivered === expected && drains.every((d) => d.bad === 0),
        note: drains
          .map(
            (d, i) =>
              `#${i + 1}: ${d.received}/${d.created}, bad signatures ${d.bad}, duplicates ${d.duplicates}, last delivery ${round(d.drainMs, 0)} ms after the run`
          )
          .join('; ')
      },
      {
        scenario: 'webhook delivery to a local sink',
        metric: 'deliveries/s draining a backlog (one webhook, one chat: in order, one in flight)',
        unit: 'deliveries/s',
        ours,
        baseline: bare,
        baselineName: 'bare loop: standardwebhooks sign + keep-alive POST, one at a time',
        ratio: round(ours / bare, 3),
        better: 'higher',
        note:
          `${throughput!.count} queued deliveries drained in ${round(throughput!.ms, 0)} ms; baseline posted ` +
          `${throughput!.count} (${sampleBody.length} B bodies) in ${round(posted.ms, 0)} ms, bad signatures ` +
          `${baselineStatus.badSignatures}`
      }
    ]
  } finally {
    sink.stop()
    poster.stop()
    await res.release()
  }
}

runStandalone(module, run)

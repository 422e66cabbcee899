// Drives load from the benchmark's main process: forks the worker processes (bench/lib/fanout-worker.ts) and
// spreads the clients over them in contiguous blocks (they stay connected for a session's runs). Each run starts
// every sender on one timeline (warm-up, then the measured window), prints progress, waits for the deliveries
// to drain and merges the workers' reports.
// CPU seconds of the servers, the workers and the database's PostgreSQL backends are taken at the window's edges.
import { WorkerProcess } from './worker-process'
import path from 'node:path'
import { cpuSeconds, writeSyscalls } from './environment'
import { percentile, progress, round } from './results'
import {
  now,
  type ClientSpec,
  type SendMode,
  type WorkerReport,
  type WorkerStatus
} from './feathers-load-client'
import type { WorkerCommand } from './fanout-worker'

export interface LoadSetup {
  name: string
  clients: ClientSpec[]
  workers: number
  serverPids: number[]
  /** PIDs of the PostgreSQL backends serving the benchmark database (for CPU accounting) */
  pgPids?: () => Promise<number[]>
  /** Diagnostics sampled every 500 ms in the measured window and averaged (e.g. pool and wait states). */
  sample?: () => Promise<Record<string, number>>
  /** sockets each worker connects at a time (default 16) */
  connectConcurrency?: number
}

export interface LoadRun {
  name: string
  /** `client` indexes the setup's `clients` */
  senders: { client: number; chatId: string }[]
  /** closed: creates outstanding per sender; open: total messages per second over all senders */
  mode: SendMode
  /** deliveries each message should cause (members of its chat, the sender's own connection included) */
  recipientsPerMessage: number
  warmupMs: number
  measureMs: number
  /** pad every message's content to this many characters */
  contentBytes?: number
}

export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

export interface LoadResult {
  seconds: number
  created: number
  createdPerSec: number
  deliveries: number
  deliveriesPerSec: number
  /** deliveries / (created × recipients), exact (not rounded): 1 means every member got every message */
  deliveredRatio: number
  /** created × recipients: the deliveries the window's messages owe */
  expectedDeliveries: number
  /** per receiver and chat, by seq: events not above the last seen (duplicates, reordering), and skipped seqs */
  outOfOrder: number
  gaps: number
  latency: LatencySummary
  /** send → the last member's receipt, over the window's messages every member received */
  lastMember: LatencySummary
  ack: LatencySummary
  createdTotal: number
  errors: number
  errorSamples: string[]
  ackedIds: string[]
  /** CPU seconds used inside the measured window */
  cpu: { servers: number; generator: number; postgres: number }
  /** write system calls the servers made inside the measured window (one per socket flush) */
  serverWrites: number
  connectMs: number
  /** averages of the setup's `sample` over the window */
  diagnostics: Record<string, number>
}

const summarizeTyped = (parts: Float64Array[]): LatencySummary => {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    all.set(p, offset)
    offset += p.length
  }
  all.sort()
  const sorted = all as unknown as number[]
  const r = (n: number) => round(n, 2)
  return {
    count: all.length,
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(all.length ? all[all.length - 1] : NaN)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const sumCpu = async (pids: number[]) => (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0)
const sumWrites = async (pids: number[]) =>
  (await Promise.all(pids.map(writeSyscalls))).reduce((a, b) => a + b, 0)

export interface LoadSession {
  connectMs: number
  run: (run: LoadRun) => Promise<LoadResult>
  close: () => Promise<void>
}

const sumStatus = (all: WorkerStatus[]) =>
  all.reduce(
    (sum, status) => ({
      createdTotal: sum.createdTotal + status.createdTotal,
      deliveriesTotal: sum.deliveriesTotal + status.deliveriesTotal,
      errors: sum.errors + status.errors
    }),
    { createdTotal: 0, deliveriesTotal: 0, errors: 0 }
  )

/** Forks the workers and connects every client (they stay connected for every run of the session). */
export const openLoad = async (setup: LoadSetup): Promise<LoadSession> => {
  const workers = Array.from(
    { length: setup.workers },
    () => new WorkerProcess<WorkerCommand>(path.join(__dirname, 'fanout-worker.ts'), 'worker')
  )
  const close = () => Promise.all(workers.map((w) => w.stop())).then(() => undefined)
  try {
    const blocks = workers.map((_, w) => ({
      from: Math.floor((w * setup.clients.length) / setup.workers),
      to: Math.floor(((w + 1) * setup.clients.length) / setup.workers)
    }))
    const connectStart = performance.now()
    const connectCpu = await sumCpu(setup.serverPids)
    await Promise.all(
      workers.map((worker, w) =>
        worker.request(
          {
            type: 'connect',
            tag: `w${w}`,
            clients: setup.clients.slice(blocks[w].from, blocks[w].to),
            concurrency: setup.connectConcurrency ?? 16
          },
          'connected',
          // 120 s, or 50 ms per client for large blocks (a 10,000-member group: 5,000 sockets per worker).
          Math.max(120_000, (blocks[w].to - blocks[w].from) * 50)
        )
      )
    )
    const connectMs = Math.round(performance.now() - connectStart)
    const cpu = round((await sumCpu(setup.serverPids)) - connectCpu, 2)
    progress(
      `${setup.name}: ${setup.clients.length} clients connected in ${connectMs} ms (server CPU ${cpu} s)`
    )
    const workerPids = workers.map((w) => w.child.pid!)
    const statusOf = async () =>
      sumStatus(
        (
          await Promise.all(
            workers.map((w) => w.request<{ status: WorkerStatus }>({ type: 'status' }, 'status'))
          )
        ).map((m) => m.status)
      )

    const run = async (plan: LoadRun): Promise<LoadResult> => {
      await settle(setup.serverPids)
      const start = now() + 300
      const timeline = {
        start,
        measureFrom: start + plan.warmupMs,
        measureTo: start + plan.warmupMs + plan.measureMs
      }
      const pgPids = (await setup.pgPids?.()) ?? []
      const cpuAt = async () => ({
        servers: await sumCpu(setup.serverPids),
        generator: await sumCpu(workerPids),
        postgres: new Map(
          await Promise.all(pgPids.map(async (pid) => [pid, await cpuSeconds(pid)] as const))
        ),
        writes: await sumWrites(setup.serverPids)
      })
      const cpuFrom = sleep(timeline.measureFrom - now()).then(cpuAt)
      const cpuTo = sleep(timeline.measureTo - now()).then(cpuAt)
      const samples = sampleDuring(setup.sample, timeline)

      let sent = false
      const running = Promise.all(
        workers.map((worker, w) => {
          const { from, to } = blocks[w]
          const senders = plan.senders
            .filter((s) => s.client >= from && s.client < to)
            .map((s) => ({ ...s, client: s.client - from }))
          const mode: SendMode =
            plan.mode.kind === 'open'
              ? { kind: 'open', rate: (plan.mode.rate * senders.length) / plan.senders.length }
              : plan.mode
          return worker.request(
            { type: 'run', senders, mode, timeline, shape: { contentBytes: plan.contentBytes } },
            'sent',
            plan.warmupMs + plan.measureMs + 60_000
          )
        })
      ).finally(() => (sent = true))
      // Progress every 2 s while sending.
      let last = { createdTotal: 0, deliveriesTotal: 0, errors: 0 }
      while (!sent) {
        await Promise.race([running.catch(() => undefined), sleep(2000)])
        if (sent) break
        const status = await statusOf()
        const phase = now() < timeline.measureFrom ? 'warm-up' : 'measuring'
        progress(
          `${plan.name}: ${phase} ${((now() - start) / 1000).toFixed(1)} s, created ${status.createdTotal} ` +
            `(+${status.createdTotal - last.createdTotal}), deliveries ${status.deliveriesTotal} ` +
            `(+${status.deliveriesTotal - last.deliveriesTotal}), errors ${status.errors}`
        )
        last = status
      }
      await running
      const [from, to] = await Promise.all([cpuFrom, cpuTo])

      // Drain: until every acknowledged message reached every member, or nothing arrives for 1.5 s.
      const drainStart = performance.now()
      let stableSince = performance.now()
      let previous = -1
      for (;;) {
        const status = await statusOf()
        if (status.deliveriesTotal >= status.createdTotal * plan.recipientsPerMessage) break
        if (status.deliveriesTotal !== previous) {
          previous = status.deliveriesTotal
          stableSince = performance.now()
        }
        if (performance.now() - stableSince > 1500 || performance.now() - drainStart > 8000) break
        await sleep(100)
      }

      const reports = (
        await Promise.all(
          workers.map((w) => w.request<{ report: WorkerReport }>({ type: 'report' }, 'report'))
        )
      ).map((m) => m.report)
      const seconds = plan.measureMs / 1000
      const created = reports.reduce((n, r) => n + r.created, 0)
      const deliveries = reports.reduce((n, r) => n + r.deliveries, 0)
      const lastMember = lastMemberLatencies(reports, plan.recipientsPerMessage)
      const result: LoadResult = {
        seconds,
        created,
        createdPerSec: round(created / seconds, 1),
        deliveries,
        deliveriesPerSec: round(deliveries / seconds, 0),
        deliveredRatio: created ? deliveries / (created * plan.recipientsPerMessage) : NaN,
        expectedDeliveries: created * plan.recipientsPerMessage,
        outOfOrder: reports.reduce((n, r) => n + r.outOfOrder, 0),
        gaps: reports.reduce((n, r) => n + r.gaps, 0),
        latency: summarizeTyped(reports.map((r) => r.deliveryLatencies)),
        lastMember: summarizeTyped([lastMember]),
        ack: summarizeTyped(reports.map((r) => r.ackLatencies)),
        createdTotal: reports.reduce((n, r) => n + r.createdTotal, 0),
        errors: reports.reduce((n, r) => n + r.errors, 0),
        errorSamples: [...new Set(reports.flatMap((r) => r.errorSamples))].slice(0, 3),
        ackedIds: reports.flatMap((r) => r.ackedIds),
        cpu: {
          servers: round(to.servers - from.servers, 2),
          generator: round(to.generator - from.generator, 2),
          postgres: round(backendCpu(from.postgres, to.postgres), 2)
        },
        serverWrites: to.writes - from.writes,
        connectMs,
        diagnostics: await samples
      }
      progress(
        `${plan.name}: ${result.createdPerSec} created/s, ${result.deliveriesPerSec} deliveries/s, ` +
          `delivered ratio ${result.deliveredRatio} (${deliveries} of ${result.expectedDeliveries}), ` +
          `out of order ${result.outOfOrder}, gaps ${result.gaps}, last member p99 ${result.lastMember.p99} ms, latency p50/p99 ${result.latency.p50}/${result.latency.p99} ms, ` +
          `errors ${result.errors}${result.errors ? ` (${result.errorSamples.join('; ')})` : ''}, CPU s in window: servers ${result.cpu.servers}, generator ` +
          `${result.cpu.generator}, postgres ${result.cpu.postgres}; server writes per delivery ${round(
            result.serverWrites / Math.max(result.deliveries, 1),
            3
          )}; ${JSON.stringify(result.diagnostics)}`
      )
      return result
    }
    return { connectMs, run, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** CPU of the backends that lived through the window (one that exited meanwhile reads NaN at the end). */
const backendCpu = (from: Map<number, number>, to: Map<number, number>) => {
  let sum = 0
  for (const [pid, end] of to) {
    const start = from.get(pid)
    if (start !== undefined && Number.isFinite(start) && Number.isFinite(end)) sum += end - start
  }
  return sum
}

/** Merges the workers' per-message receipts: the latest receive time of each message all members received. */
const lastMemberLatencies = (reports: WorkerReport[], recipients: number) => {
  const merged = new Map<string, { stamp: number; at: number; receivers: number }>()
  for (const report of reports)
    for (const [label, entry] of report.lastReceived) {
      const seen = merged.get(label)
      if (!seen) merged.set(label, { ...entry })
      else {
        seen.receivers += entry.receivers
        seen.at = Math.max(seen.at, entry.at)
      }
    }
  const out: number[] = []
  for (const entry of merged.values()) if (entry.receivers >= recipients) out.push(entry.at - entry.stamp)
  return Float64Array.from(out)
}

/** Waits (at most 10 s) until the servers are quiet, e.g. after an overloaded run: under 20 % of a core over 250 ms. */
const settle = async (pids: number[]) => {
  const deadline = performance.now() + 10_000
  let before = await sumCpu(pids)
  while (performance.now() < deadline) {
    await sleep(250)
    const after = await sumCpu(pids)
    if (after - before < 0.05) return
    before = after
  }
}

const sampleDuring = async (
  sample: LoadSetup['sample'],
  timeline: { measureFrom: number; measureTo: number }
): Promise<Record<string, number>> => {
  if (!sample) return {}
  await sleep(timeline.measureFrom - now())
  const sums: Record<string, number> = {}
  let count = 0
  while (now() < timeline.measureTo) {
    const values = await sample().catch(() => undefined)
    if (values) {
      count++
      for (const [key, value] of Object.entries(values)) sums[key] = (sums[key] ?? 0) + value
    }
    await sleep(500)
  }
  return Object.fromEntries(
    Object.entries(sums).map(([key, sum]) => [key, round(sum / Math.max(count, 1), 1)])
  )
}

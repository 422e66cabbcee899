// Helpers shared by the realtime benchmark scenarios (bench/fanout.ts): servers and databases that are released
// even when a scenario fails, load sessions, the notes that go into the rows, and a Markdown table of the rows.
import { countPersisted } from './chat-setup'
import { createBenchDatabase, startProcess, type BenchDatabase, type ServerProcess } from './environment'
import { openLoad, type LoadResult, type LoadRun, type LoadSetup } from './load-driver'
import { failedRow, progress, round, type ScenarioRow } from './results'

const WORKERS = Math.max(2, Number(process.env.BENCH_WORKERS ?? 2))

// One directory per server: Node names each thread's profile itself (a fixed --cpu-prof-name would let tsx's
// loader thread overwrite the main thread's profile).
export const profileArgs = (name: string) =>
  process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-dir', `${process.env.BENCH_CPU_PROF}/${name}-${Date.now()}`]
    : []

/** Things to stop or drop, last first, even when a scenario fails. */
export class Resources {
  private stack: (() => Promise<void>)[] = []
  async server(env: Record<string, string>, name: string, script?: string): Promise<ServerProcess> {
    // LOG_LEVEL=error: the servers' pino lines go to our stdout; failed sends are counted by the generator.
    const server = await startProcess(
      { LOG_LEVEL: 'error', ...env },
      script ? { script } : { nodeArgs: profileArgs(name) }
    )
    this.stack.push(() => server.stop())
    return server
  }
  async database(name: string): Promise<BenchDatabase> {
    const db = await createBenchDatabase(name)
    this.stack.push(() => db.drop())
    return db
  }
  /** Runs `cleanup` at release (before the servers and databases pushed earlier are stopped). */
  onRelease(cleanup: () => Promise<unknown>) {
    this.stack.push(async () => void (await cleanup()))
  }
  async release() {
    while (this.stack.length) await this.stack.pop()!().catch((e) => progress(`cleanup: ${e?.message ?? e}`))
  }
}

/** Opens a load session, runs `fn` with it, closes it. */
export const withLoad = async <T>(
  setup: Omit<LoadSetup, 'workers'>,
  fn: (run: (r: LoadRun) => Promise<LoadResult>) => Promise<T>
) => {
  const session = await openLoad({ ...setup, workers: WORKERS })
  try {
    return await fn(session.run)
  } finally {
    await session.close()
  }
}

export const diagnosticsNote = (r: LoadResult) =>
  Object.keys(r.diagnostics).length
    ? `avg in window: ${Object.entries(r.diagnostics)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    : ''

export const persistedNote = async (db: BenchDatabase, runs: LoadResult[]) => {
  const ids = runs.flatMap((r) => r.ackedIds)
  const persisted = await countPersisted(db.db, ids)
  return { acked: ids.length, persisted, fraction: ids.length ? persisted / ids.length : NaN }
}

export const cpuNote = (r: LoadResult) =>
  `CPU s in the ${r.seconds} s window: servers ${r.cpu.servers}, generator ${r.cpu.generator}, PostgreSQL ${r.cpu.postgres}` +
  (Object.keys(r.diagnostics).length ? `; ${diagnosticsNote(r)}` : '')
export const usPerDelivery = (r: LoadResult) => round((r.cpu.servers / Math.max(r.deliveries, 1)) * 1e6, 2)

/**
 * One unrecorded run per server process before its first measured round (BENCH_JIT_WARMUP_MS, 0 = none). A fresh
 * process spends its first ~15 s of load compiling: in the first 3 s window, TurboFan's background threads took
 * ~20 % of our server's CPU (perf, 2 cores), and created/s rose ~10 % from round 1 to round 3. A deployed server
 * is warm; so is every system here, baselines included, before it is measured.
 */
export const JIT_WARMUP_MS = Number(process.env.BENCH_JIT_WARMUP_MS ?? 2000)

/** The HTTP scenarios' unrecorded warm-up per server and request shape: JIT_WARMUP_MS, and never under the 1 s they had. */
export const HTTP_WARMUP_SECONDS = Math.max(1, JIT_WARMUP_MS / 1000)

/** Runs `plan` for JIT_WARMUP_MS as the JIT warm-up of a fresh process; nothing of it is recorded. */
export const jitWarmup = async (run: (plan: LoadRun) => Promise<LoadResult>, plan: LoadRun) => {
  if (JIT_WARMUP_MS <= 0) return
  await run({
    ...plan,
    name: `${plan.name} (JIT warm-up, not recorded)`,
    warmupMs: 0,
    measureMs: JIT_WARMUP_MS
  })
}

/** A part of a scenario: its name (for `--only`-style filters and progress) and the row name if it fails. */
export type ScenarioPart = [name: string, failedAs: string, run: (res: Resources) => Promise<ScenarioRow[]>]

/**
 * Runs the parts one after the other (only those named in `only`, a comma-separated list, when given), each with its own Resources (released even when it fails); a part that
 * throws becomes a `failedRow` and the next one still runs.
 */
export const runParts = async (title: string, parts: ScenarioPart[], only?: string) => {
  const rows: ScenarioRow[] = []
  const started = performance.now()
  const wanted = only?.split(',')
  for (const [name, failedAs, part] of parts.filter(([name]) => !wanted || wanted.includes(name))) {
    const res = new Resources()
    const partStart = performance.now()
    try {
      progress(`${title}/${name}: starting`)
      rows.push(...(await part(res)))
    } catch (error: any) {
      progress(`${title}/${name} failed: ${error?.stack ?? error}`)
      rows.push(failedRow(failedAs, error))
    } finally {
      await res.release()
      progress(`${title}/${name} took ${round((performance.now() - partStart) / 1000, 1)} s`)
    }
  }
  progress(`${title} done in ${round((performance.now() - started) / 1000, 1)} s`)
  return rows
}

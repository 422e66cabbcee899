// The benchmark suite: runs every scenario module that exists (bench/<name>.ts exporting
// `run(): Promise<ScenarioRow[]>`), one after the other, prints one table and writes the rows with the
// machine's facts to bench/results/<timestamp>.json and bench/results/latest.json.
//   npm run bench                       every scenario
//   npm run bench -- --only idle,history
//   npm run bench -- --soak --large     also the 10-minute soak and the 10,000-member group
// A scenario that throws is recorded (error in the JSON, a line in the table) and the others still run; the
// exit code is then 1. A scenario file that does not exist yet is skipped with a notice.
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import knex from 'knex'
import { Redis } from 'ioredis'
import { adminUrl, redisUrl } from './lib/environment'
import { progress, type ScenarioRow } from './lib/results'
import { releaseSharedHistory } from './lib/seed-history'

/** The default set (about 9 minutes on the 2-core development VM once the large seeds are kept, bench/README.md). */
export const SCENARIOS = [
  'fanout',
  'fanout-sizes',
  'storms',
  'webhooks',
  'history',
  'history-cold',
  'search-languages',
  'chat-list',
  'idle'
] as const
/** Behind a flag: the soak (`--soak`, 10 minutes by default) and, with `--large`, fanout-sizes' 10,000 group. */
export const OPTIONAL_SCENARIOS = ['soak'] as const
const KNOWN: readonly string[] = [...SCENARIOS, ...OPTIONAL_SCENARIOS]

interface ScenarioOutcome {
  name: string
  status: 'ok' | 'error' | 'skipped'
  seconds?: number
  error?: string
  rows: ScenarioRow[]
}

// ---------------------------------------------------------------------------------------------------------
// The table

const formatNumber = (n: number | undefined, unit = '') => {
  if (n === undefined || n === null || Number.isNaN(n)) return '—'
  const text = Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(n)
  return unit ? `${text} ${unit}` : text
}

/** One aligned text table: scenario, metric, ours, baseline, ratio, target, met, note. */
export const formatTable = (rows: ScenarioRow[]) => {
  const header = ['scenario', 'metric', 'ours', 'baseline', 'ratio', 'target', 'met', 'note']
  const cells = rows.map((r) => [
    r.scenario,
    r.metric,
    formatNumber(r.ours, r.unit),
    formatNumber(r.baseline, r.baseline === undefined ? '' : r.unit),
    r.ratio === undefined || Number.isNaN(r.ratio) ? '—' : `${r.ratio}×`,
    r.target ?? '—',
    r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
    r.note ?? ''
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w)).join('  ')
  return [line(header), rule, ...cells.map(line)].join('\n')
}

// ---------------------------------------------------------------------------------------------------------
// Machine facts

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

const machineFacts = async () => {
  const cpus = os.cpus()
  const facts: Record<string, unknown> = {
    hostname: os.hostname(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg(),
    node: process.version
  }
  const db = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
  try {
    facts.postgresql = (await db.raw('select version()')).rows[0].version
    facts.postgresqlSynchronousCommit = (await db.raw('show synchronous_commit')).rows[0].synchronous_commit
  } catch (error) {
    facts.postgresql = `unavailable: ${errorText(error)}`
  } finally {
    await db.destroy()
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    const info = await redis.info('server')
    facts.redis = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'
  } catch (error) {
    facts.redis = `unavailable: ${errorText(error)}`
  } finally {
    redis.disconnect()
  }
  return facts
}

// ---------------------------------------------------------------------------------------------------------

const parseOnly = (argv: string[]) => {
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='))
  if (at === -1) return undefined
  const value = argv[at].includes('=') ? argv[at].slice('--only='.length) : argv[at + 1]
  if (!value) throw new Error('--only needs a comma-separated list, e.g. --only idle,history')
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = names.filter((n) => !KNOWN.includes(n))
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${KNOWN.join(', ')})`)
  return names
}

const runScenario = async (name: string): Promise<ScenarioOutcome> => {
  if (!existsSync(path.join(__dirname, `${name}.ts`))) {
    progress(`${name}: bench/${name}.ts does not exist yet, skipped`)
    return { name, status: 'skipped', rows: [] }
  }
  progress(`${name}: starting`)
  const started = performance.now()
  try {
    const mod = await import(`./${name}`)
    if (typeof mod.run !== 'function') throw new Error(`bench/${name}.ts does not export run()`)
    const rows: ScenarioRow[] = await mod.run()
    const seconds = (performance.now() - started) / 1000
    progress(`${name}: done in ${seconds.toFixed(1)} s, ${rows.length} rows`)
    return { name, status: 'ok', seconds, rows }
  } catch (error) {
    const seconds = (performance.now() - started) / 1000
    progress(`${name}: FAILED after ${seconds.toFixed(1)} s: ${errorText(error)}`)
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    return { name, status: 'error', seconds, error: errorText(error), rows: [] }
  }
}

const main = async () => {
  const argv = process.argv.slice(2)
  const only = parseOnly(argv)
  // --large reaches the scenario through its environment: fanout-sizes reads BENCH_LARGE.
  if (argv.includes('--large')) process.env.BENCH_LARGE = '1'
  const selected = only ?? [...SCENARIOS, ...(argv.includes('--soak') ? OPTIONAL_SCENARIOS : [])]
  const startedAt = new Date()
  progress('collecting machine facts')
  const machine = await machineFacts()
  progress(
    `${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}, ` +
      `load average ${(machine.loadAverage as number[]).map((n) => n.toFixed(2)).join(' ')}`
  )

  const outcomes: ScenarioOutcome[] = []
  for (const name of selected) outcomes.push(await runScenario(name))
  await releaseSharedHistory()

  const rows = outcomes.flatMap((o) => o.rows)
  const problems: ScenarioRow[] = outcomes
    .filter((o) => o.status !== 'ok')
    .map((o) => ({
      scenario: o.name,
      metric: o.status === 'error' ? 'FAILED' : 'skipped',
      unit: '',
      ours: NaN,
      better: 'higher',
      note: o.status === 'error' ? o.error : `bench/${o.name}.ts does not exist yet`
    }))
  console.log(formatTable([...rows, ...problems]))

  const finishedAt = new Date()
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    argv: process.argv.slice(2),
    machine,
    scenarios: outcomes.map(({ rows: _rows, ...o }) => o),
    rows
  }
  const dir = path.join(__dirname, 'results')
  await fs.mkdir(dir, { recursive: true })
  const json = `${JSON.stringify(report, null, 2)}\n`
  const file = path.join(dir, `${startedAt.toISOString().replace(/:/g, '-')}.json`)
  await fs.writeFile(file, json)
  await fs.writeFile(path.join(dir, 'latest.json'), json)
  progress(`results written to ${path.relative(process.cwd(), file)} and bench/results/latest.json`)

  // A scenario named in --only that does not exist counts as a failure; in a full run it is only a notice.
  const failed = outcomes.some((o) => o.status === 'error' || (only && o.status === 'skipped'))
  return failed ? 1 : 0
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(errorText(error))
      process.exit(2)
    }
  )
}

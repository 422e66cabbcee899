// The shape every scenario reports, and percentile helpers.

export interface ScenarioRow {
  /** e.g. 'fan-out', 'history', 'search', 'idle', 'many-chats', 'two-instances' */
  scenario: string
  /** what was measured, e.g. 'messages created/s', 'p99 ms (newest page)' */
  metric: string
  unit: string
  ours: number
  /** the baseline measured in the same run, when the scenario has one */
  baseline?: number
  baselineName?: string
  /** ours / baseline (or baseline / ours for "lower is better" metrics: see `better`) */
  ratio?: number
  better: 'higher' | 'lower'
  /** the target, as text, e.g. '≥ 50 % of baseline', '≤ 10 ms' */
  target?: string
  /** whether the target was met, when it is checkable */
  met?: boolean
  note?: string
}

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

export const summarize = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN
  }
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** Progress on stderr, so stdout stays the table / JSON; each line with the seconds since the process began. */
export const progress = (message: string) =>
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)} s] ${message}\n`)

/** The rows as a Markdown table (what the standalone run prints before the JSON). */
export const markdownTable = (rows: ScenarioRow[]) => {
  const cell = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|')
  const lines = rows.map((r) =>
    [
      r.scenario,
      r.metric,
      `${r.ours} ${r.unit}`,
      r.baseline === undefined ? '' : `${r.baseline} (${r.baselineName})`,
      r.ratio ?? '',
      r.better,
      r.target ?? '',
      r.met === undefined ? '' : r.met ? 'yes' : 'NO'
    ]
      .map(cell)
      .join(' | ')
  )
  return [
    '| scenario | metric | ours | baseline | ratio | better | target | met |',
    '|---|---|---|---|---|---|---|---|',
    ...lines.map((l) => `| ${l} |`)
  ].join('\n')
}

/** The row a scenario part reports when it throws, so the rest of the run goes on. */
export const failedRow = (scenario: string, error: any): ScenarioRow => ({
  scenario,
  metric: 'run failed',
  unit: '',
  ours: NaN,
  better: 'higher',
  met: false,
  note: String(error?.message ?? error)
})

/** `npx tsx bench/<name>.ts` on its own: runs the scenario, prints its rows as a Markdown table and as JSON. */
export const runStandalone = (mod: NodeModule, run: () => Promise<ScenarioRow[]>) => {
  if (require.main !== mod) return
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

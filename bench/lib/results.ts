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

/** Progress on stderr, so stdout stays the table / JSON. */
export const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`)

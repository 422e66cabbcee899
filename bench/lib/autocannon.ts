// HTTP load for the REST scenarios, run in the benchmark process (never in a server's process):
// - closedLoop: autocannon's programmatic API, N connections each sending as soon as its previous response
//   arrived (the throughput knee). Latencies are taken exactly (float ms) from its 'response' event.
// - fixedRate: open loop at a fixed rate, each request with its scheduled send time; latency = response time −
//   scheduled time, so a server (or generator) falling behind is counted (no coordinated omission).
//   Why not autocannon's `overallRate`: autocannon 9 gives each connection a budget of rate/connections per
//   one-second window and spends it back to back at the start of each window, so all connections burst
//   together and the run is a closed loop for part of every second; its coordinated-omission correction uses
//   an expected interval of Math.ceil(1 / per-connection rate) = 1 ms. `BENCH_RATE_TOOL=autocannon` still
//   selects it, for comparison.
import http from 'node:http'
import autocannon from 'autocannon'
import { summarize } from './results'

export interface LoadResult {
  /** completed 2xx responses per second of the run */
  rps: number
  p50: number
  p99: number
  count: number
  /** non-2xx responses, connection errors and timeouts, and (fixed rate) requests still unanswered at the end */
  failures: number
  /** fixed rate: requests still unanswered when the run ended (counted in the percentiles with their wait so far) */
  unfinished?: number
  /** fixed rate: p99 of how late the sender's timer fired (ms); large values mean the generator was starved */
  sendLagP99?: number
  /** CPU seconds the benchmark process itself used during the run */
  generatorCpu: number
}

export interface LoadOptions {
  base: string
  /** a new path (with query) per request */
  path: () => string
  headers?: Record<string, string>
  seconds: number
  connections: number
}

const cpuNow = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

export const closedLoop = async (o: LoadOptions): Promise<LoadResult> => {
  const latencies: number[] = []
  const cpu0 = cpuNow()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.base,
        connections: o.connections,
        duration: o.seconds,
        headers: o.headers,
        requests: [{ method: 'GET', setupRequest: (req: any) => ({ ...req, path: o.path() }) }]
      },
      (error, result) => (error ? reject(error) : resolve(result))
    )
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms)
    })
  })
  const s = summarize(latencies)
  return {
    rps: latencies.length / o.seconds,
    p50: s.p50,
    p99: s.p99,
    count: latencies.length,
    failures: result.non2xx + result.errors + result.timeouts,
    generatorCpu: cpuNow() - cpu0
  }
}

const autocannonRate = async (o: LoadOptions & { rate: number }): Promise<LoadResult> => {
  const cpu0 = cpuNow()
  const result = await autocannon({
    url: o.base,
    connections: o.connections,
    duration: o.seconds,
    overallRate: o.rate,
    headers: o.headers,
    requests: [{ method: 'GET', setupRequest: (req: any) => ({ ...req, path: o.path() }) }]
  })
  return {
    rps: result.requests.total / o.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    count: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    generatorCpu: cpuNow() - cpu0
  }
}

export const fixedRate = async (o: LoadOptions & { rate: number }): Promise<LoadResult> => {
  if (process.env.BENCH_RATE_TOOL === 'autocannon') return autocannonRate(o)
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections })
  const total = Math.round(o.rate * o.seconds)
  const interval = 1000 / o.rate
  const latencies: number[] = []
  const lags: number[] = []
  const pending = new Map<number, http.ClientRequest>()
  let failures = 0
  const cpu0 = cpuNow()
  const start = performance.now() + 20
  let sent = 0
  let finished = () => {}
  const allDone = new Promise<void>((resolve) => (finished = resolve))
  const settle = (i: number) => {
    pending.delete(i)
    if (sent === total && pending.size === 0) finished()
  }
  const send = (i: number, scheduled: number) => {
    const req = http.get(`${o.base}${o.path()}`, { agent, headers: o.headers }, (res) => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300)
          latencies.push(performance.now() - scheduled)
        else failures++
        settle(i)
      })
    })
    req.on('error', () => {
      if (pending.has(i)) failures++
      settle(i)
    })
    pending.set(i, req)
  }
  // Fire every request whose scheduled time has come; a late timer is counted in the latency, not hidden.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      for (; sent < total && start + sent * interval <= now; sent++) {
        lags.push(now - (start + sent * interval))
        send(sent, start + sent * interval)
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()))
      else resolve()
    }
    setTimeout(tick, 20)
  })
  // Give the stragglers up to 2 s (or 50 intervals) after the last send, then stop waiting.
  const grace = Math.max(2000, 50 * interval)
  await Promise.race([allDone, new Promise((r) => setTimeout(r, grace))])
  const end = performance.now()
  const unfinished = pending.size
  for (const [i, req] of pending) {
    latencies.push(end - (start + i * interval)) // a lower bound of its latency
    pending.delete(i)
    req.destroy()
  }
  agent.destroy()
  const s = summarize(latencies)
  return {
    rps: (latencies.length - unfinished) / o.seconds,
    p50: s.p50,
    p99: s.p99,
    count: latencies.length - unfinished,
    failures: failures + unfinished,
    unfinished,
    sendLagP99: summarize(lags).p99,
    generatorCpu: cpuNow() - cpu0
  }
}

// A server process seen through the V8 inspector on loopback (the server runs with
// `--inspect=127.0.0.1:<port>`; src/ is not touched): forced full GCs and heapUsed, the event-loop delay, CPU
// profiles. Used by the idle and soak scenarios.
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import WebSocket from 'ws'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class Inspector {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw))
      const waiter = message.id !== undefined ? this.pending.get(message.id) : undefined
      if (!waiter) return
      this.pending.delete(message.id)
      if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`))
      else waiter.resolve(message.result)
    })
    ws.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('inspector closed'))
      this.pending.clear()
    })
  }

  /** Waits (up to 10 s) for the server's inspector to list its target, then opens it. */
  static async connect(port: number) {
    const deadline = Date.now() + 10_000
    for (;;) {
      const list = await fetch(`http://127.0.0.1:${port}/json/list`).then(
        (r) => r.json() as Promise<Array<{ webSocketDebuggerUrl: string }>>,
        () => undefined
      )
      if (list?.[0]) {
        const ws = new WebSocket(list[0].webSocketDebuggerUrl)
        await once(ws, 'open')
        return new Inspector(ws)
      }
      if (Date.now() > deadline) throw new Error('the inspector did not answer')
      await sleep(100)
    }
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.ws.send(JSON.stringify({ id, method, params }))
    })
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.call('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true
    })
    if (exceptionDetails) throw new Error(`inspector evaluate: ${exceptionDetails.exception?.description}`)
    return result.value as T
  }

  /** Two forced full GCs, then `process.memoryUsage().heapUsed`; `gcMs` is how long the GCs took. */
  async heapAfterGc() {
    const started = performance.now()
    await this.call('HeapProfiler.collectGarbage')
    await this.call('HeapProfiler.collectGarbage')
    const gcMs = performance.now() - started
    return { heap: await this.evaluate<number>('process.memoryUsage().heapUsed'), gcMs }
  }

  /** Starts an event-loop delay histogram (1 ms resolution) inside the server. */
  startLoopDelay() {
    return this.evaluate(
      `(globalThis.__benchLoopDelay = process.getBuiltinModule('perf_hooks').monitorEventLoopDelay({ resolution: 1 })).enable(), true`
    )
  }

  /** p99 and max of the delay beyond the 1 ms sampling interval, in ms. */
  async readLoopDelay() {
    const [p99, max] = await this.evaluate<[number, number]>(
      `(() => { const h = globalThis.__benchLoopDelay; h.disable(); return [h.percentile(99), h.max] })()`
    )
    return { p99: Math.max(0, p99 / 1e6 - 1), max: Math.max(0, max / 1e6 - 1) }
  }

  /** Starts a CPU profile; `intervalUs` is the sampling interval (V8's default when omitted). */
  async startProfile(intervalUs?: number) {
    await this.call('Profiler.enable')
    if (intervalUs) await this.call('Profiler.setSamplingInterval', { interval: intervalUs })
    await this.call('Profiler.start')
  }

  /** Stops the CPU profile and writes it (open it in Chrome DevTools, Performance tab). */
  async stopProfile(file: string) {
    const { profile } = await this.call('Profiler.stop')
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, JSON.stringify(profile))
  }

  close() {
    this.ws.close()
  }
}

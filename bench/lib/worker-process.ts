// A load-generating child process (a `bench/lib/*-worker.ts` script run through tsx) spoken to over IPC:
// each request names the message type that answers it; a worker's `error` message or its exit fails every
// request still waiting.
import { fork, type ChildProcess } from 'node:child_process'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

export class WorkerProcess<Command extends { type: string }> {
  readonly child: ChildProcess
  private waiting = new Map<string, { resolve: (m: any) => void; reject: (e: Error) => void }>()

  /** `label` prefixes its errors ('worker', 'soak worker'); `stopGraceMs` is how long `stop()` waits. */
  constructor(
    script: string,
    private readonly label: string,
    private readonly stopGraceMs = 2000
  ) {
    this.child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.child.on('message', (message: any) => {
      if (message.type === 'error') return this.failAll(new Error(`${label}: ${message.message}`))
      const waiter = this.waiting.get(message.type)
      this.waiting.delete(message.type)
      waiter?.resolve(message)
    })
    this.child.on('exit', (code) => this.failAll(new Error(`${label} exited with ${code}`)))
  }

  private failAll(error: Error) {
    for (const waiter of this.waiting.values()) waiter.reject(error)
    this.waiting.clear()
  }

  request<T = any>(command: Command, answer: string, timeoutMs = 120_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.label}: no '${answer}' after ${timeoutMs} ms`)),
        timeoutMs
      )
      this.waiting.set(answer, {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e))
      })
      this.child.send(command)
    })
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    if (this.child.connected) this.child.send({ type: 'exit' })
    await Promise.race([exited, sleep(this.stopGraceMs)])
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

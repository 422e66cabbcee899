// Admission control for client calls (REST and Socket.IO): at most `maxConcurrentCalls` run at once on this
// instance and at most `maxQueuedCalls` wait; anything beyond is refused at once with 503 "busy" instead of
// joining an unbounded queue for database connections (the many-chats benchmark at 1,000 msg/s built
// ~10,000 waiting calls, 13 s latencies and pool timeouts). The default queue (4,096) still takes a reconnect
// storm's catch-up without refusals: refused calls are retried a second later, which left the CPU idle while
// the 503s piled up. Internal calls (nested, CLI) are not counted.
// `stats()` tells /health when every slot is taken and none has been given back for a while: an instance
// whose calls are stuck (not merely busy) answers 503 there, so a load balancer stops sending it clients.
import { Unavailable } from '@feathersjs/errors'
import type { Application, HookContext, NextFunction } from '../declarations'

export class Admission {
  private running = 0
  private readonly waiting: Array<() => void> = []
  /** When a call last finished, or the instance last had a free slot. */
  private lastProgress = Date.now()

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
    private readonly busyMessage = 'Server busy, retry shortly'
  ) {}

  async enter() {
    if (this.running < this.maxRunning) {
      this.running++
      this.lastProgress = Date.now()
      return
    }
    if (this.waiting.length >= this.maxWaiting) {
      throw new Unavailable(this.busyMessage, { retryAfter: 1 })
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  leave() {
    this.lastProgress = Date.now()
    const next = this.waiting.shift()
    if (next)
      next() // the slot passes straight to the next caller
    else this.running--
  }

  /** Calls running and waiting; `stalledMs`: how long every slot has been taken without one finishing. */
  stats() {
    const saturated = this.running >= this.maxRunning
    return {
      running: this.running,
      waiting: this.waiting.length,
      stalledMs: saturated ? Date.now() - this.lastProgress : 0
    }
  }
}

declare module '../declarations' {
  interface Configuration {
    admission: Admission
  }
}

export const createAdmission = (app: Application) =>
  new Admission(app.get('limits').maxConcurrentCalls, app.get('limits').maxQueuedCalls)

/** Slots a call holds while it runs: a call slot (no key) or an upload slot (the user's id). */
export interface Slots<K> {
  enter(key: K): Promise<void>
  leave(key: K): void
}

/** Runs the rest of the call (`next`) holding one of `slots` for `key`, given back however the call ends. */
export const holdingSlot = async <K>(slots: Slots<K>, key: K, next: NextFunction) => {
  await slots.enter(key)
  try {
    await next()
  } finally {
    slots.leave(key)
  }
}

export const admissionControl = async (context: HookContext, next: NextFunction) => {
  // An upload streams for as long as its client takes: it has its own slots (upload-admission.ts).
  if (!context.params.provider || context.params.admitted || context.params.upload) return next()
  await holdingSlot(context.app.get('admission'), undefined, () => {
    context.params.admitted = true // a nested call made with these params is not counted again
    return next()
  })
}

declare module '@feathersjs/feathers' {
  interface Params {
    admitted?: boolean
  }
}

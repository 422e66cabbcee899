// Admission control for client calls (REST and Socket.IO): at most `maxConcurrentCalls` run at once on this
// instance and at most `maxQueuedCalls` wait; anything beyond is refused at once with 503 "busy" instead of
// joining an unbounded queue for database connections (the many-chats benchmark at 1,000 msg/s built
// ~10,000 waiting calls, 13 s latencies and pool timeouts). Internal calls (nested, CLI) are not counted.
import { Unavailable } from '@feathersjs/errors'
import type { Application, HookContext, NextFunction } from '../declarations'

export class Admission {
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number
  ) {}

  async enter() {
    if (this.running < this.maxRunning) {
      this.running++
      return
    }
    if (this.waiting.length >= this.maxWaiting) {
      throw new Unavailable('Server busy, retry shortly', { retryAfter: 1 })
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  leave() {
    const next = this.waiting.shift()
    if (next)
      next() // the slot passes straight to the next caller
    else this.running--
  }
}

declare module '../declarations' {
  interface Configuration {
    admission: Admission
  }
}

export const createAdmission = (app: Application) =>
  new Admission(app.get('limits').maxConcurrentCalls, app.get('limits').maxQueuedCalls)

export const admissionControl = async (context: HookContext, next: NextFunction) => {
  if (!context.params.provider || context.params.admitted) return next()
  const admission = context.app.get('admission')
  await admission.enter()
  context.params.admitted = true
  try {
    await next()
  } finally {
    admission.leave()
  }
}

declare module '@feathersjs/feathers' {
  interface Params {
    admitted?: boolean
  }
}

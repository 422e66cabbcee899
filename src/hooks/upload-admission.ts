// Uploads in progress have their own slots, apart from the call slots of admission-control.ts: an upload
// runs for as long as its client takes to send the body (up to BODY_TIMEOUT_MS), so slow uploads holding
// call slots could starve every other call. At most `maxConcurrentUploads` run on this instance (503 beyond,
// at once) and `maxConcurrentUploadsPerUser` per user (429 beyond), so one account cannot take them all.
import { TooManyRequests } from '@feathersjs/errors'
import type { Application, HookContext, NextFunction } from '../declarations'
import { Admission, holdingSlot } from './admission-control'

export class UploadAdmission {
  private readonly instance: Admission
  private readonly perUser = new Map<string, number>()

  constructor(
    maxUploads: number,
    private readonly maxPerUser: number
  ) {
    this.instance = new Admission(maxUploads, 0, 'Too many uploads in progress on this server, retry shortly')
  }

  async enter(userId: string) {
    const mine = this.perUser.get(userId) ?? 0
    if (mine >= this.maxPerUser) {
      throw new TooManyRequests(`You already have ${mine} uploads in progress; wait for one to finish`, {
        retryAfter: 1
      })
    }
    // Counted before any await: concurrent uploads of one user must each see the others.
    this.perUser.set(userId, mine + 1)
    try {
      await this.instance.enter() // never waits: no queue, 503 when full
    } catch (error) {
      this.release(userId)
      throw error
    }
  }

  leave(userId: string) {
    this.release(userId)
    this.instance.leave()
  }

  private release(userId: string) {
    const left = (this.perUser.get(userId) ?? 1) - 1
    if (left > 0) this.perUser.set(userId, left)
    else this.perUser.delete(userId)
  }

  stats() {
    return { ...this.instance.stats(), users: this.perUser.size }
  }
}

declare module '../declarations' {
  interface Configuration {
    uploadAdmission: UploadAdmission
  }
}

export const createUploadAdmission = (app: Application) =>
  new UploadAdmission(app.get('limits').maxConcurrentUploads, app.get('limits').maxConcurrentUploadsPerUser)

/** Around hook for `api/uploads` create, after authentication. */
export const admitUpload = async (context: HookContext, next: NextFunction) => {
  const user = context.params.user
  if (!context.params.provider || !user) return next()
  await holdingSlot(context.app.get('uploadAdmission'), user.user_id, next)
}

import type { NullableId, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { StatusData, UserStatus } from './status.schema'

/** `PUT /api/users/status`: sets the caller's presence status; pushed as `user_status` to their contacts. */
export class StatusService {
  constructor(private readonly app: Application) {}

  async update(_id: NullableId, data: StatusData, params: Params): Promise<UserStatus> {
    const lastSeen = data.status === 'offline' ? { last_seen: new Date().toISOString() } : {}
    const user = await this.app
      .service('api/users')
      .patch(params.user!.user_id, { status: data.status, ...lastSeen })
    const status: UserStatus = { user_id: user.user_id, status: user.status, last_seen: user.last_seen }
    this.app.get('presenceTracker').announce(status)
    return status
  }
}

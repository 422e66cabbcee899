import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { GroupMember, MemberParams } from '../members/members.class'

/**
 * `POST /api/groups/:group_id/leave`: the caller leaves. The members service does the work (and emits
 * `removed`), including the owner hand-over and deleting the group when its last member leaves.
 */
export class LeaveGroupService {
  constructor(private readonly app: Application) {}

  async create(_data: unknown, params: Params): Promise<GroupMember & { group_deleted: boolean }> {
    const inner: MemberParams = { route: params.route, user: params.user, leaving: true }
    const member = await this.app.service('api/groups/:group_id/members').remove(params.user!.user_id, inner)
    return { ...member, group_deleted: Boolean(inner.groupDeleted) }
  }
}

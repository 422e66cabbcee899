// Rules on who may change whom in a group, on top of requireGroupRole('owner', 'admin').
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { groupRoleOf } from '../../services/groups/group-store'
import { routeParam } from './route-param'

/** Only the owner makes admins. */
export const onlyOwnerGrantsAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  if (context.data?.role === 'admin' && context.params.groupRole !== 'owner') {
    throw new Forbidden('Only the group owner can add admins')
  }
}

/**
 * An admin cannot remove (or ban, or mute) the owner or another admin; nobody removes or mutes themself here
 * (removing oneself is leaving). The target is the call's id (removal) or the route's `:member_id` (mute).
 */
export const protectOwnerAndAdmins = async (context: HookContext) => {
  if (!context.params.provider) return
  const muting = context.path === 'api/groups/:group_id/members/:member_id/mute'
  const targetId = muting ? routeParam(context, 'member_id') : String(context.id)
  if (targetId === context.params.user?.user_id) {
    if (muting) throw new BadRequest('You cannot mute yourself')
    throw new BadRequest('Use POST /api/groups/:group_id/leave to leave a group')
  }
  if (context.params.groupRole === 'owner') return
  const role = await groupRoleOf(
    context.app.get('postgresqlClient'),
    { groupId: context.params.group!.group_id },
    targetId
  )
  if (role && role !== 'member') {
    throw new Forbidden(`An admin cannot ${muting ? 'mute' : 'remove'} the owner or another admin`)
  }
}

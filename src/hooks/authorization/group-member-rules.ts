// Rules on who may change whom in a group, on top of requireGroupRole('owner', 'admin').
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { groupRoleOf } from '../../services/groups/group-store'

/** Only the owner makes admins. */
export const onlyOwnerGrantsAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  if (context.data?.role === 'admin' && context.params.groupRole !== 'owner') {
    throw new Forbidden('Only the group owner can add admins')
  }
}

/** An admin cannot remove the owner or another admin; nobody removes themself here (that is leaving). */
export const protectOwnerAndAdmins = async (context: HookContext) => {
  if (!context.params.provider) return
  const targetId = String(context.id)
  if (targetId === context.params.user?.user_id) {
    throw new BadRequest('Use POST /api/groups/:group_id/leave to leave a group')
  }
  if (context.params.groupRole === 'owner') return
  const role = await groupRoleOf(
    context.app.get('postgresqlClient'),
    { groupId: context.params.group!.group_id },
    targetId
  )
  if (role && role !== 'member') throw new Forbidden('An admin cannot remove the owner or another admin')
}

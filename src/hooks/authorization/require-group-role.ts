// Group authorization. `requireGroupMember` loads the group named by the route (`:group_id`) or the id and
// the caller's role; non-members get 404 (the group's existence is not disclosed). `requireGroupRole(...)`
// also demands one of the roles (403 otherwise). Internal calls (no provider) pass.
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { groupNotFound } from '../../errors'
import type { GroupRole } from '../../services/groups/group-store'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The group row and the caller's role in it, set by requireGroupMember. */
    group?: { group_id: string; chat_id: string; owner_id: string; name: string }
    groupRole?: GroupRole
  }
}

export const requireGroupMember = async (context: HookContext) => {
  if (!context.params.provider) return
  const groupId = String(context.params.route?.group_id ?? context.id ?? '')
  const userId = context.params.user?.user_id
  const row =
    groupId && userId
      ? await context.app
          .get('postgresqlClient')('groups as g')
          .join('group_members as m', 'm.group_id', 'g.group_id')
          .where({ 'g.group_id': groupId, 'm.user_id': userId })
          .first('g.group_id', 'g.chat_id', 'g.owner_id', 'g.name', 'm.role')
      : undefined
  if (!row) throw groupNotFound()
  const { role, ...group } = row
  context.params.group = group
  context.params.groupRole = role
}

export const requireGroupRole =
  (...roles: GroupRole[]) =>
  async (context: HookContext) => {
    if (!context.params.provider) return
    await requireGroupMember(context)
    if (!roles.includes(context.params.groupRole!)) {
      throw new Forbidden(`Only a group ${roles.join(' or ')} can do this`)
    }
  }

// Group authorization. `requireGroupMember` loads the group named by the route (`:group_id`) or the id and
// the caller's role; non-members get 404 (the group's existence is not disclosed). `requireGroupRole(...)`
// also demands one of the roles (403 otherwise). Internal calls (no provider) pass.
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { routeParam } from './route-param'
import { groupNotFound } from '../../errors'
import { groupOfMember, type GroupRole } from '../../services/groups/group-store'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The group row and the caller's role in it, set by requireGroupMember. */
    group?: { group_id: string; chat_id: string; owner_id: string; name: string }
    groupRole?: GroupRole
  }
}

export const requireGroupMember = async (context: HookContext) => {
  if (!context.params.provider) return
  // `api/groups/:group_id` names the group by its id; the services nested under a group, by their route.
  const groupId = context.path === 'api/groups' ? String(context.id ?? '') : routeParam(context, 'group_id')
  const userId = context.params.user?.user_id
  const found =
    groupId && userId && (await groupOfMember(context.app.get('postgresqlClient'), groupId, userId))
  if (!found) throw groupNotFound()
  context.params.group = found.group
  context.params.groupRole = found.role
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

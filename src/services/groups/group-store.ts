// Group queries shared by hooks and services.
import type { Knex } from 'knex'

export type GroupRole = 'owner' | 'admin' | 'member'

/** The user's role in a group, found by group id or by the group's chat id; undefined if not a member. */
export const groupRoleOf = async (
  db: Knex,
  where: { groupId?: string; chatId?: string },
  userId: string
): Promise<GroupRole | undefined> => {
  const row = await db('group_members as m')
    .join('groups as g', 'g.group_id', 'm.group_id')
    .where('m.user_id', userId)
    .modify((q) => {
      if (where.groupId) q.where('g.group_id', where.groupId)
      if (where.chatId) q.where('g.chat_id', where.chatId)
    })
    .first('m.role')
  return row?.role
}

export interface GroupOfMember {
  group: { group_id: string; chat_id: string; owner_id: string; name: string }
  role: GroupRole
}

/** The group and the user's role in it, in one query; undefined if there is no such group or no such member. */
export const groupOfMember = async (
  db: Knex,
  groupId: string,
  userId: string
): Promise<GroupOfMember | undefined> => {
  const row = await db('groups as g')
    .join('group_members as m', 'm.group_id', 'g.group_id')
    .where({ 'g.group_id': groupId, 'm.user_id': userId })
    .first('g.group_id', 'g.chat_id', 'g.owner_id', 'g.name', 'm.role')
  if (!row) return undefined
  const { role, ...group } = row
  return { group, role }
}

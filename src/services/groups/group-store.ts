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

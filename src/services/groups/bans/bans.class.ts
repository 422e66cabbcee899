// `api/groups/:group_id/bans`: who is banned from a group (owner/admin), and unbanning. A ban is made by
// removing a member with `?ban=true` (members.class.ts); it stops re-adding (members create) until lifted.
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../../declarations'
import { auditActor, recordAudit } from '../../../audit/audit-log'
import { NotFound } from '@feathersjs/errors'
import { offsetPage } from '../../../validators'
import type { GroupBan, GroupBanPage, GroupBanQuery } from '../moderation.schema'

export type { GroupBan, GroupBanPage, GroupBanQuery }

const banView = (db: Knex, groupId: string) =>
  db('group_bans as b')
    .join('users as u', 'u.user_id', 'b.user_id')
    .where('b.group_id', groupId)
    .select('b.group_id', 'b.user_id', 'u.name', 'u.avatar_url', 'b.banned_by', 'b.created_at')

export class GroupBanService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: Params<GroupBanQuery>): Promise<GroupBanPage> {
    const limit = params.query?.$limit ?? 50
    const skip = params.query?.$skip ?? 0
    const rows = await banView(this.db, String(params.route!.group_id))
      .orderBy([
        { column: 'b.created_at', order: 'desc' },
        { column: 'b.user_id', order: 'asc' }
      ])
      .limit(limit + 1)
      .offset(skip)
    return offsetPage(rows, limit, skip)
  }

  /** Lifts the ban of `user_id` (404 when there is none). */
  async remove(id: Id, params: Params): Promise<GroupBan> {
    const groupId = String(params.route!.group_id)
    const userId = String(id)
    return this.db.transaction(async (trx) => {
      const [ban] = await banView(trx, groupId).where('b.user_id', userId)
      if (!ban) throw new NotFound('Ban not found')
      await trx('group_bans').where({ group_id: groupId, user_id: userId }).delete()
      const group = await trx('groups').where({ group_id: groupId }).first('chat_id')
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'group.member_unbanned',
        target_type: 'user',
        target_id: userId,
        group_id: groupId,
        chat_id: group?.chat_id ?? null
      })
      return ban
    })
  }
}

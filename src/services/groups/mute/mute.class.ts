// `api/groups/:group_id/members/:member_id/mute`: POST mutes a member until a time, DELETE unmutes. The mute
// is the member's `muted_until` on their chat participation, written with its audit row in one transaction.
import { BadRequest } from '@feathersjs/errors'
import type { NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../../declarations'
import { auditActor, recordAudit } from '../../../audit/audit-log'
import { groupNotFound, memberNotFound } from '../../../errors'
import type { Mute, MuteData } from '../moderation.schema'

const DAY_MS = 24 * 3600 * 1000

export type { Mute, MuteData }

const invalidUntil = (message: string) =>
  new BadRequest(`Invalid data: until ${message}`, [{ instancePath: '/until', message }])

export class MuteService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async create(data: MuteData, params: Params): Promise<Mute> {
    const until = new Date(data.until)
    const now = Date.now()
    if (Number.isNaN(until.getTime())) throw invalidUntil('must be a date-time')
    if (until.getTime() <= now) throw invalidUntil('must be in the future')
    const maxDays = this.app.get('limits').muteMaxDays ?? 366
    if (until.getTime() > now + maxDays * DAY_MS) throw invalidUntil(`must be at most ${maxDays} days ahead`)
    return this.setMute(params, until.toISOString())
  }

  async remove(_id: NullableId, params: Params): Promise<Mute> {
    return this.setMute(params, null)
  }

  private async setMute(params: Params, until: string | null): Promise<Mute> {
    const groupId = String(params.route?.group_id)
    const userId = String(params.route?.member_id)
    const actor = auditActor(params)
    return this.db.transaction(async (trx) => {
      const group = await trx('groups').where({ group_id: groupId }).first('group_id', 'chat_id')
      if (!group) throw groupNotFound()
      const member = await trx('group_members').where({ group_id: groupId, user_id: userId }).first('user_id')
      if (!member) throw memberNotFound()
      await trx('chat_participants')
        .where({ chat_id: group.chat_id, user_id: userId })
        .update({ muted_until: until })
      await recordAudit(trx, {
        ...actor,
        action: until ? 'group.member_muted' : 'group.member_unmuted',
        target_type: 'user',
        target_id: userId,
        group_id: groupId,
        chat_id: group.chat_id,
        details: until ? { until } : {}
      })
      return {
        group_id: groupId,
        chat_id: group.chat_id,
        user_id: userId,
        muted_until: until,
        muted_by: actor.actor_id
      }
    })
  }
}

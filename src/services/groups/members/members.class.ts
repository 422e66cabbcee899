// `api/groups/:group_id/members`: adding, listing and removing group members. Group membership and chat
// participation change together in one transaction, and `member_count` is recomputed in it.
import { BadRequest, Forbidden } from '@feathersjs/errors'
import { auditActor, recordAudit } from '../../../audit/audit-log'
import { groupNotFound, memberNotFound } from '../../../errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../../declarations'
import { addParticipants } from '../../chats/membership'
import { assertUsersExist, refreshMemberCount } from '../groups.class'
import type { GroupMember, GroupMemberData } from '../groups.schema'
// Outgoing webhooks (SPEC §15): membership events enter the outbox in the membership transaction.
import { enqueueMemberAdded, enqueueWebhookEvent } from '../../webhooks/outbox'

export type { GroupMember, GroupMemberData }

export interface MemberParams extends Params {
  /** Set by `api/groups/:group_id/leave`: the caller removes themself, with the owner hand-over rules. */
  leaving?: boolean
  /** Set when the last member left and the group was deleted. */
  groupDeleted?: boolean
}

declare module '@feathersjs/feathers' {
  interface Params {
    /** On `api/groups` remove: the last member left (not audited as a deletion). */
    lastMemberLeft?: boolean
  }
}

const memberView = (db: Knex, groupId: string) =>
  db('group_members as m')
    .join('groups as g', 'g.group_id', 'm.group_id')
    .join('users as u', 'u.user_id', 'm.user_id')
    .where('m.group_id', groupId)
    .leftJoin('chat_participants as p', function () {
      this.on('p.chat_id', '=', 'g.chat_id').andOn('p.user_id', '=', 'm.user_id')
    })
    .select(
      'm.group_id',
      'g.chat_id',
      'm.user_id',
      'm.role',
      'm.joined_at',
      'u.name',
      'u.avatar_url',
      'u.is_bot'
    )
    // Moderation (SPEC §15): a mute that has not ended yet.
    .select(db.raw('CASE WHEN p.muted_until > now() THEN p.muted_until END AS muted_until'))

export class GroupMemberService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private groupIdOf(params?: Params) {
    const groupId = params?.route?.group_id
    if (!groupId) throw new BadRequest('group_id is required')
    return String(groupId)
  }

  private async group(groupId: string) {
    const group = await this.db('groups')
      .where({ group_id: groupId })
      .first('group_id', 'chat_id', 'owner_id')
    if (!group) throw groupNotFound()
    return group
  }

  async find(params?: Params): Promise<GroupMember[]> {
    return memberView(this.db, this.groupIdOf(params)).orderBy([
      { column: 'm.joined_at', order: 'asc' },
      { column: 'm.id', order: 'asc' }
    ])
  }

  /** Adds users (`user_ids` or `user_id`) with `role` (member by default). Existing members are skipped. */
  async create(data: GroupMemberData, params?: Params): Promise<GroupMember[]> {
    const groupId = this.groupIdOf(params)
    const group = await this.group(groupId)
    const requested = [...new Set([...(data.user_ids ?? []), ...(data.user_id ? [data.user_id] : [])])]
    if (requested.length === 0) throw new BadRequest('Invalid data: user_ids is required')
    await assertUsersExist(this.db, requested, 'user_ids')
    const role = data.role ?? 'member'
    const max = this.app.get('limits').groupMaxMembers

    const added = await this.db.transaction(async (trx) => {
      // Lock the group row: concurrent additions cannot both pass the member limit.
      await trx('groups').where({ group_id: groupId }).forUpdate().first('group_id')
      const existing = new Set<string>(
        await trx('group_members').where({ group_id: groupId }).whereIn('user_id', requested).pluck('user_id')
      )
      const fresh = requested.filter((id) => !existing.has(id))
      // Moderation (SPEC §15): a banned user cannot be added back; nobody is added when one of them is banned.
      const banned: string[] = await trx('group_bans')
        .where({ group_id: groupId })
        .whereIn('user_id', fresh)
        .pluck('user_id')
      if (banned.length)
        throw new Forbidden(
          `Banned from this group: ${banned.slice(0, 5).join(', ')} (an owner or admin can lift the ban with ` +
            'DELETE /api/groups/:group_id/bans/:user_id)',
          { banned_user_ids: banned }
        )
      const [{ count }] = await trx('group_members').where({ group_id: groupId }).count({ count: '*' })
      if (Number(count) + fresh.length > max)
        throw new BadRequest(`Invalid data: a group has at most ${max} members`)
      if (fresh.length === 0) return []
      await trx('group_members').insert(fresh.map((user_id) => ({ group_id: groupId, user_id, role })))
      // New members start with everything before they joined marked as read.
      const chat = await trx('chats').where({ chat_id: group.chat_id }).first('last_seq')
      await addParticipants(trx, group.chat_id, fresh, chat.last_seq)
      await refreshMemberCount(trx, groupId)
      await enqueueMemberAdded(trx, groupId, group.chat_id, fresh)
      for (const user_id of fresh)
        await recordAudit(trx, {
          ...auditActor(params),
          action: 'group.member_added',
          target_type: 'user',
          target_id: user_id,
          group_id: groupId,
          chat_id: group.chat_id,
          details: { role }
        })
      return fresh
    })
    if (added.length === 0) return []
    this.app.get('webhookDispatcher')?.maybeWake(group.chat_id)
    return memberView(this.db, groupId).whereIn('m.user_id', added)
  }

  /**
   * Removes a member. With `params.leaving` the caller leaves: an owner hands the group to the
   * longest-standing admin (else member); the last member leaving deletes the group.
   */
  async remove(id: NullableId, params?: MemberParams): Promise<GroupMember> {
    if (id === null) throw new BadRequest('Removing several members at once is not supported')
    const groupId = this.groupIdOf(params)
    const group = await this.group(groupId)
    const [member] = await memberView(this.db, groupId).where('m.user_id', String(id))
    if (!member) throw memberNotFound()
    const ban = !params?.leaving && (params?.query as any)?.ban === true

    const outcome = await this.db.transaction(async (trx) => {
      await trx('groups').where({ group_id: groupId }).forUpdate().first('group_id')
      if (!params?.leaving) {
        // Moderation (SPEC §15): a removal by an owner or admin (or the CLI) is audited; `?ban=true` bans too.
        if (ban)
          await trx('group_bans')
            .insert({ group_id: groupId, user_id: member.user_id, banned_by: params?.user?.user_id ?? null })
            .onConflict(['group_id', 'user_id'])
            .ignore()
        await recordAudit(trx, {
          ...auditActor(params),
          action: ban ? 'group.member_banned' : 'group.member_removed',
          target_type: 'user',
          target_id: member.user_id,
          group_id: groupId,
          chat_id: group.chat_id,
          details: { role: member.role }
        })
      }
      await trx('group_members').where({ group_id: groupId, user_id: member.user_id }).delete()
      await trx('chat_participants').where({ chat_id: group.chat_id, user_id: member.user_id }).delete()
      await enqueueWebhookEvent(trx, 'member.removed', group.chat_id, {
        ...member,
        reason: params?.leaving ? 'left' : 'removed'
      })
      const successor = await trx('group_members')
        .where({ group_id: groupId })
        .orderByRaw(`CASE role WHEN 'admin' THEN 0 ELSE 1 END, joined_at, id`)
        .first('user_id')
      if (!successor) return { deleteGroup: true, newOwner: undefined }
      if (member.role === 'owner') {
        await trx('group_members')
          .where({ group_id: groupId, user_id: successor.user_id })
          .update({ role: 'owner' })
        await trx('groups').where({ group_id: groupId }).update({ owner_id: successor.user_id })
      }
      await refreshMemberCount(trx, groupId)
      return {
        deleteGroup: false,
        newOwner: member.role === 'owner' ? (successor.user_id as string) : undefined
      }
    })

    this.app.get('webhookDispatcher')?.maybeWake(group.chat_id)
    if (outcome.deleteGroup) {
      await this.app.service('api/groups').remove(groupId, { lastMemberLeft: true })
      if (params) params.groupDeleted = true
    } else if (outcome.newOwner) {
      // Announce the hand-over as a group change (owner_id) to the remaining members.
      this.app.service('api/groups').emit('patched', await this.app.service('api/groups').get(groupId))
    }
    return { ...member, reason: params?.leaving ? 'left' : ban ? 'banned' : 'removed' }
  }

  async get(id: Id, params?: Params): Promise<GroupMember> {
    const [member] = await memberView(this.db, this.groupIdOf(params)).where('m.user_id', String(id))
    if (!member) throw memberNotFound()
    return member
  }
}

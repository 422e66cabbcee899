// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// `api/groups`: a group and its chat are created, changed and deleted together, in one transaction.
import { BadRequest } from '@feathersjs/errors'
import { groupNotFound } from '../../errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { newId } from '../../ids'
import { cleanName } from '../../text'
import type { Application } from '../../declarations'
import { addParticipants, memberIdsOfChat } from '../chats/membership'
import { chatMembers } from '../chats/chat-views'
import { EditInPlace } from '../edit-in-place'
// Outgoing webhooks (SPEC §15)
import { enqueueMemberAdded } from '../webhooks/outbox'
import { auditActor, recordAudit } from '../../audit/audit-log'
import { groupColumns, type Group, type GroupData, type GroupPatch } from './groups.schema'

export type { Group, GroupData, GroupPatch }

/** Users that exist, among the given ids; unknown ids are a 400 naming the field. */
export const assertUsersExist = async (db: Knex, ids: string[], field: string) => {
  if (ids.length === 0) return
  const found = new Set<string>(await db('users').whereIn('user_id', ids).pluck('user_id'))
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length)
    throw new BadRequest(`Invalid data: ${field} contains unknown users: ${missing.slice(0, 5).join(', ')}`)
}

export const refreshMemberCount = (trx: Knex, groupId: string) =>
  trx('groups')
    .where({ group_id: groupId })
    .update({
      member_count: trx('group_members').where({ group_id: groupId }).count('*'),
      updated_at: trx.fn.now()
    })

export class GroupService extends EditInPlace<Group, GroupPatch> {
  constructor(private readonly app: Application) {
    super()
  }

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async get(id: Id, _params?: Params): Promise<Group> {
    const group = await this.db('groups')
      .where({ group_id: String(id) })
      .first(groupColumns)
    if (!group) throw groupNotFound()
    return { ...group, members: await chatMembers(this.db, group.chat_id) }
  }

  async create(data: GroupData, params?: Params): Promise<Group> {
    const ownerId = params?.user?.user_id
    if (!ownerId) throw new BadRequest('A group needs an owner')
    const memberIds = [...new Set(data.member_ids ?? [])].filter((id) => id !== ownerId)
    const max = this.app.get('limits').groupMaxMembers
    if (memberIds.length + 1 > max) throw new BadRequest(`Invalid data: a group has at most ${max} members`)
    await assertUsersExist(this.db, memberIds, 'member_ids')

    const groupId = newId()
    const chatId = newId()
    await this.db.transaction(async (trx) => {
      await trx('chats').insert({
        chat_id: chatId,
        type: 'group',
        name: cleanName(data.name),
        description: data.description ?? null,
        avatar_url: data.avatar_url ?? null,
        created_by: ownerId
      })
      await trx('groups').insert({
        group_id: groupId,
        chat_id: chatId,
        name: cleanName(data.name),
        description: data.description ?? null,
        avatar_url: data.avatar_url ?? null,
        owner_id: ownerId,
        member_count: memberIds.length + 1
      })
      await trx('group_members').insert([
        { group_id: groupId, user_id: ownerId, role: 'owner' },
        ...memberIds.map((user_id) => ({ group_id: groupId, user_id, role: 'member' }))
      ])
      await addParticipants(trx, chatId, [ownerId, ...memberIds])
      // Outgoing webhooks (SPEC §15): a new chat has none of its own; system-wide ones hear its first members.
      await enqueueMemberAdded(trx, groupId, chatId, [ownerId, ...memberIds])
    })
    this.app.get('webhookDispatcher')?.maybeWake(chatId)
    return this.get(groupId)
  }

  protected readonly records = 'groups'

  /** Name, description and avatar change on the group and its chat together (PATCH and PUT alike). */
  protected async edit(id: string, data: GroupPatch, params?: Params): Promise<Group> {
    const changes = { ...data, ...(data.name ? { name: cleanName(data.name) } : {}) }
    const updated = await this.db.transaction(async (trx) => {
      const [group] = await trx('groups')
        .where({ group_id: String(id) })
        .update({ ...changes, updated_at: trx.fn.now() })
        .returning(['chat_id'])
      if (!group) return false
      await trx('chats')
        .where({ chat_id: group.chat_id })
        .update({ ...changes, updated_at: trx.fn.now() })
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'group.updated',
        target_type: 'group',
        target_id: String(id),
        group_id: String(id),
        chat_id: group.chat_id,
        details: { fields: Object.keys(data) }
      })
      return true
    })
    if (!updated) throw groupNotFound()
    return this.get(id)
  }

  /** Deleting the group's chat cascades to the group, its members, participants and messages. */
  protected async erase(id: string, params?: Params): Promise<Group> {
    const group = await this.db('groups').where({ group_id: id }).first(groupColumns)
    if (!group) throw groupNotFound()
    const member_ids = await memberIdsOfChat(this.db, group.chat_id)
    await this.db.transaction(async (trx) => {
      await trx('chats').where({ chat_id: group.chat_id }).delete()
      // The last member leaving deletes the group too (an internal call): only a deliberate delete is audited.
      if (!params?.lastMemberLeft)
        await recordAudit(trx, {
          ...auditActor(params),
          action: 'group.deleted',
          target_type: 'group',
          target_id: id,
          group_id: id,
          chat_id: group.chat_id,
          details: { name: group.name, member_count: member_ids.length }
        })
    })
    return { ...group, member_ids }
  }
}

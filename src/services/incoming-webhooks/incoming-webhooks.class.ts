// `api/webhooks/incoming`: a group's owner or admin makes a secret URL that posts into the group's chat.
// Creating one makes its integration, a bot user owned by the creator, and adds it to the group through the
// members service (so every instance's channels, chat lists and member lists learn of it as of any member);
// revoking deletes the secret and takes the integration out of the group. Its messages stay.
import { BadRequest } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { chatNotFound, incomingWebhookNotFound } from '../../errors'
import { hashToken } from '../../auth/refresh-tokens'
import { auditActor, recordAudit } from '../../audit/audit-log'
import { insertBotUser, unusablePasswordHash } from '../users/bot-accounts'
import { newId } from '../../ids'
import { cleanName } from '../../text'
import { offsetPage } from '../../validators'
import { incomingWebhookById, incomingWebhookColumns, newIncomingToken } from './incoming-webhook-store'
import type {
  CreatedIncomingWebhook,
  IncomingWebhook,
  IncomingWebhookData,
  IncomingWebhookPage,
  IncomingWebhookQuery
} from './incoming-webhooks.schema'

const membersPath = 'api/groups/:group_id/members'

export class IncomingWebhookService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params?: Params<IncomingWebhookQuery>): Promise<IncomingWebhookPage> {
    const query = params?.query ?? ({} as IncomingWebhookQuery)
    if (!query.chat_id) throw new BadRequest('Invalid query: chat_id is required')
    const limit = query.$limit ?? 50
    const skip = query.$skip ?? 0
    const rows = await this.db('incoming_webhooks')
      .where({ chat_id: query.chat_id })
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .offset(skip)
      .select(...incomingWebhookColumns)
    return offsetPage(rows, limit, skip)
  }

  async get(id: Id): Promise<IncomingWebhook> {
    const hook = await incomingWebhookById(this.db, String(id))
    if (!hook) throw incomingWebhookNotFound()
    return hook
  }

  async create(data: IncomingWebhookData, params?: Params): Promise<CreatedIncomingWebhook> {
    const group = await this.db('groups').where({ chat_id: data.chat_id }).first('group_id', 'chat_id')
    if (!group) throw chatNotFound()
    const creator = params?.user?.user_id ?? null
    const max = this.app.get('limits').incomingWebhooksPerChat
    const token = newIncomingToken()
    const userId = newId()
    const name = cleanName(data.name)
    // Nobody knows this password, and the address cannot receive mail: the integration never logs in.
    const unusableHash = await unusablePasswordHash(this.app)
    const hook = await this.db.transaction(async (trx) => {
      // The group row lock serializes creations in one chat, so the limit holds under concurrency.
      await trx('groups').where({ group_id: group.group_id }).forUpdate().first('group_id')
      const [{ count }] = await trx('incoming_webhooks')
        .where({ chat_id: group.chat_id })
        .count({ count: '*' })
      if (Number(count) >= max) {
        const message = `a chat has at most ${max} incoming webhooks`
        throw new BadRequest(`Invalid data: chat_id: ${message}`, [{ instancePath: '/chat_id', message }])
      }
      await insertBotUser(trx, {
        userId,
        name,
        ownerId: creator,
        passwordHash: unusableHash,
        kind: 'integration'
      })
      const [row] = await trx('incoming_webhooks')
        .insert({
          incoming_webhook_id: newId(),
          chat_id: group.chat_id,
          group_id: group.group_id,
          user_id: userId,
          name,
          token_hash: hashToken(token),
          created_by: creator
        })
        .returning([...incomingWebhookColumns])
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'incoming_webhook.created',
        target_type: 'incoming_webhook',
        target_id: row.incoming_webhook_id,
        group_id: group.group_id,
        chat_id: group.chat_id,
        details: { name, integration_user_id: userId }
      })
      return row as IncomingWebhook
    })
    try {
      await this.app
        .service(membersPath)
        .create({ user_ids: [userId] }, { route: { group_id: group.group_id }, user: params?.user })
    } catch (error) {
      // The group was full (or went away): no webhook without its integration in the group.
      await this.db('users').where({ user_id: userId }).delete()
      throw error
    }
    return { ...hook, created_at: new Date(hook.created_at).toISOString(), token, url: `/api/hooks/${token}` }
  }

  async remove(id: Id, params?: Params): Promise<IncomingWebhook> {
    const hook = await this.get(id)
    await this.db.transaction(async (trx) => {
      await trx('incoming_webhooks').where({ incoming_webhook_id: hook.incoming_webhook_id }).delete()
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'incoming_webhook.revoked',
        target_type: 'incoming_webhook',
        target_id: hook.incoming_webhook_id,
        group_id: hook.group_id,
        chat_id: hook.chat_id,
        details: { name: hook.name }
      })
    })
    await this.app
      .service(membersPath)
      .remove(hook.user_id, { route: { group_id: hook.group_id }, user: params?.user })
      .catch((error: any) => {
        // Already taken out of the group by an admin: revoking only had the secret left to delete.
        if (error?.code !== 404) throw error
      })
    return hook
  }
}

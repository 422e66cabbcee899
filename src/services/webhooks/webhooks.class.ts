// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// `api/webhooks`: outgoing webhooks of a chat (group owners and admins, checked by hooks) and, through the
// admin CLI only (internal calls), system-wide ones (`chat_id` null). The secret is made here and returned by
// `create` only. Changes wake this instance's delivery worker (its list of watched chats is reloaded).
import { randomBytes } from 'node:crypto'
import { BadRequest, NotFound } from '@feathersjs/errors'
import { retryDeadlock } from '../../errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { newId } from '../../ids'
import { auditActor, recordAudit } from '../../audit/audit-log'
import {
  webhookColumns,
  type CreatedWebhook,
  type WebhookData,
  type WebhookPatch,
  type WebhookQuery,
  type WebhookRecord
} from './webhooks.schema'

export type { CreatedWebhook, WebhookData, WebhookPatch, WebhookQuery, WebhookRecord }

export const webhookNotFound = () => new NotFound('Webhook not found')

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`

/** A text[] value from a list (the same on pg and PGlite, whose array parameters differ). */
const textArray = (db: Knex, values: string[]) =>
  db.raw('ARRAY(SELECT jsonb_array_elements_text(?::jsonb))', [JSON.stringify(values)])

export type WebhookParams = Params<WebhookQuery>

export class WebhookService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private changed() {
    this.app.get('webhookDispatcher')?.wake(true)
  }

  /** The chat's webhooks (hooks require `chat_id` from clients); internal calls without it: all of them. */
  async find(params?: WebhookParams): Promise<WebhookRecord[]> {
    const chatId = params?.query?.chat_id
    return this.db('webhooks')
      .select(webhookColumns)
      .modify((q) => {
        if (chatId) q.where('chat_id', chatId)
      })
      .orderBy('created_at', 'asc')
      .orderBy('webhook_id', 'asc')
  }

  async get(id: Id): Promise<WebhookRecord> {
    const webhook = await this.db('webhooks').where('webhook_id', String(id)).first(webhookColumns)
    if (!webhook) throw webhookNotFound()
    return webhook
  }

  /** At most `webhooks.maxPerChat` per chat: the chat row is locked while counting. */
  async create(data: WebhookData, params?: WebhookParams): Promise<CreatedWebhook> {
    const chatId = data.chat_id ?? null
    const max = this.app.get('webhooks').maxPerChat
    const secret = newWebhookSecret()
    const created = await this.db.transaction(async (trx) => {
      if (chatId) {
        const chat = await trx('chats').where('chat_id', chatId).forUpdate().first('chat_id')
        if (!chat) throw new BadRequest('Invalid data: chat_id is not a chat')
      }
      const [{ count }] = await trx('webhooks')
        .modify((q) => (chatId ? q.where('chat_id', chatId) : q.whereNull('chat_id')))
        .count({ count: '*' })
      if (Number(count) >= max) {
        const message = `has reached the limit of ${max} webhooks`
        throw new BadRequest(`Invalid data: chat_id ${message}`, [{ instancePath: '/chat_id', message }])
      }
      const [row] = await trx('webhooks')
        .insert({
          webhook_id: newId(),
          chat_id: chatId,
          url: data.url,
          events: textArray(trx, data.events),
          secret,
          created_by: params?.user?.user_id ?? null
        })
        .returning(webhookColumns)
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'webhook.created',
        target_type: 'webhook',
        target_id: row.webhook_id,
        chat_id: chatId,
        details: { url: data.url, events: data.events }
      })
      return row as WebhookRecord
    })
    this.changed()
    return { ...created, secret }
  }

  /** `active: true` re-enables and resets the failure run. */
  async patch(id: Id | null, data: WebhookPatch, params?: WebhookParams): Promise<WebhookRecord> {
    if (id === null) throw new BadRequest('Patching several webhooks at once is not supported')
    const row = await this.db.transaction(async (trx) => {
      const [changed] = await trx('webhooks')
        .where('webhook_id', String(id))
        .update({
          ...(data.url !== undefined ? { url: data.url } : {}),
          ...(data.events !== undefined ? { events: textArray(trx, data.events) } : {}),
          ...(data.active !== undefined ? { active: data.active } : {}),
          ...(data.active === true ? { consecutive_failures: 0 } : {}),
          updated_at: trx.fn.now()
        })
        .returning(webhookColumns)
      if (!changed) throw webhookNotFound()
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'webhook.updated',
        target_type: 'webhook',
        target_id: changed.webhook_id,
        chat_id: changed.chat_id,
        details: { ...data }
      })
      return changed as WebhookRecord
    })
    this.changed()
    return row
  }

  /** Its queued deliveries and log go with it. */
  async remove(id: Id | null, params?: WebhookParams): Promise<WebhookRecord> {
    if (id === null) throw new BadRequest('Removing several webhooks at once is not supported')
    // The worker may be recording an attempt of this webhook: a deadlock victim is retried.
    const row = await retryDeadlock(() =>
      this.db.transaction(async (trx) => {
        const [removed] = await trx('webhooks')
          .where('webhook_id', String(id))
          .delete()
          .returning(webhookColumns)
        if (!removed) throw webhookNotFound()
        await recordAudit(trx, {
          ...auditActor(params),
          action: 'webhook.removed',
          target_type: 'webhook',
          target_id: removed.webhook_id,
          chat_id: removed.chat_id,
          details: { url: removed.url }
        })
        return removed as WebhookRecord
      })
    )
    this.changed()
    return row
  }
}

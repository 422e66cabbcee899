// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// `api/webhooks/:webhook_id/deliveries`: the delivery log. The first page starts with the deliveries queued
// and never attempted (newest first), then every attempt, newest first, by keyset on the attempt id.
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { Application } from '../../../declarations'
import type { DeliveryAttempt, DeliveryPage, DeliveryQuery } from './deliveries.schema'

export type { DeliveryAttempt, DeliveryPage, DeliveryQuery }

export class WebhookDeliveryService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: Params<DeliveryQuery>): Promise<DeliveryPage> {
    const webhookId = String(params.route!.webhook_id)
    const limit = params.query?.limit ?? 50
    const before = params.query?.before
    const queued: DeliveryAttempt[] = before
      ? []
      : await this.db('webhook_deliveries')
          .where({ webhook_id: webhookId, state: 'pending', attempts: 0 })
          .orderBy('id', 'desc')
          .limit(limit)
          .select(
            this.db.raw('id::text AS delivery_id'),
            'event',
            'msg_id AS webhook_message_id',
            this.db.raw('0 AS attempt'),
            this.db.raw('NULL::int AS status_code'),
            this.db.raw('NULL::int AS duration_ms'),
            this.db.raw('NULL::text AS error'),
            this.db.raw('NULL::timestamptz AS attempted_at'),
            this.db.raw(`'pending' AS state`),
            'next_attempt_at'
          )
    const rows: Array<DeliveryAttempt & { cursor: string }> = await this.db('webhook_attempts as a')
      .join('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .where('a.webhook_id', webhookId)
      .modify((q) => {
        if (before) q.where('a.id', '<', before)
      })
      .orderBy('a.id', 'desc')
      .limit(limit + 1)
      .select(
        this.db.raw('a.id::text AS cursor'),
        this.db.raw('d.id::text AS delivery_id'),
        'd.event',
        'd.msg_id AS webhook_message_id',
        'a.attempt',
        'a.status_code',
        'a.duration_ms',
        'a.error',
        'a.attempted_at',
        this.db.raw(`CASE WHEN a.ok THEN 'delivered' ELSE 'failed' END AS state`),
        this.db.raw(
          `CASE WHEN d.state = 'pending' AND a.attempt = d.attempts THEN d.next_attempt_at END AS next_attempt_at`
        )
      )
    const attempts = rows.slice(0, Math.max(0, limit - queued.length))
    const hasMore = rows.length > attempts.length
    const data = [...queued, ...attempts.map(({ cursor: _c, ...attempt }) => attempt)]
    return {
      data,
      limit,
      has_more: hasMore,
      cursor: hasMore && attempts.length ? attempts[attempts.length - 1].cursor : null
    }
  }
}

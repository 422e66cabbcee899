// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
// The delivery log of a webhook (`GET /api/webhooks/:webhook_id/deliveries`): its attempts, newest first, and
// the deliveries still waiting for a first attempt (`attempt` 0).
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator, DateTime, Enum, Nullable, Page, Text, lazyValidator } from '../../../validators'

export const deliveryAttemptSchema = Type.Object(
  {
    delivery_id: Type.String({ description: 'The queued delivery (one per event and webhook)' }),
    event: Type.String({ description: 'The event type, e.g. `message.created`' }),
    webhook_message_id: Type.String({ description: 'The `webhook-id` header: the same on every attempt' }),
    attempt: Type.Integer({ description: '1 for the first attempt; 0: queued, not attempted yet' }),
    status_code: Nullable(Type.Integer({ description: 'The HTTP status answered; null: no answer' })),
    duration_ms: Nullable(Type.Integer()),
    error: Nullable(
      Type.String({ description: 'Why the attempt failed (HTTP status, timeout, refused target…)' })
    ),
    attempted_at: Nullable(DateTime()),
    state: Enum(
      ['pending', 'delivered', 'failed'],
      '`delivered`: this attempt succeeded; `failed`: it failed; `pending`: not attempted yet'
    ),
    next_attempt_at: Nullable(
      DateTime({
        description: 'When the delivery is tried next (on its latest attempt, while it is pending)'
      })
    )
  },
  { $id: 'WebhookDeliveryAttempt', additionalProperties: false }
)
export type DeliveryAttempt = Static<typeof deliveryAttemptSchema>

export const deliveryPageSchema = Page(
  deliveryAttemptSchema,
  'WebhookDeliveryPage',
  'Whether older attempts exist: ask again with `before` = the `cursor` of this page',
  { cursor: Nullable(Type.String({ description: 'Pass as `before` for the next (older) page' })) }
)
export type DeliveryPage = Static<typeof deliveryPageSchema>

export const deliveryQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    before: Type.Optional(Text({ pattern: '^[0-9]{1,18}$', description: 'A `cursor` from a page' }))
  },
  { additionalProperties: false }
)
export type DeliveryQuery = Static<typeof deliveryQuerySchema>
export const deliveryQueryValidator = lazyValidator(deliveryQuerySchema, queryValidator)

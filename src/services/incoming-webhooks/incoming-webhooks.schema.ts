// Incoming webhooks (SPEC §15): `POST /api/webhooks/incoming` makes a secret URL that posts into a group chat
// as an integration (a bot user in the group); `POST /api/hooks/:token` is that URL.
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import {
  dataValidator,
  queryValidator,
  DateTime,
  Name,
  OffsetPage,
  Text,
  lazyValidator
} from '../../validators'
import type { OffsetPaged } from '../../validators'

// An incoming webhook as owners and admins of its group see it: never its secret.
export const incomingWebhookSchema = Type.Object(
  {
    incoming_webhook_id: Type.String(),
    chat_id: Type.String(),
    group_id: Type.String(),
    name: Type.String(),
    user_id: Type.String({ description: 'The integration: the bot user its messages come from' }),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: DateTime()
  },
  { $id: 'IncomingWebhook', additionalProperties: false }
)
export type IncomingWebhook = Static<typeof incomingWebhookSchema>

// The answer to creating one: the only time its secret is shown.
export const createdIncomingWebhookSchema = Type.Object(
  {
    ...incomingWebhookSchema.properties,
    token: Type.String({ description: 'The secret; shown once, stored as a hash' }),
    url: Type.String({ description: 'The path to POST to, relative to this server: `/api/hooks/<token>`' })
  },
  { $id: 'CreatedIncomingWebhook', additionalProperties: false }
)
export type CreatedIncomingWebhook = Static<typeof createdIncomingWebhookSchema>

export const incomingWebhookDataSchema = Type.Object(
  {
    chat_id: Text({ minLength: 1, maxLength: 50 }),
    name: Name({ minLength: 1, maxLength: 80 })
  },
  { $id: 'IncomingWebhookData', additionalProperties: false }
)
export type IncomingWebhookData = Static<typeof incomingWebhookDataSchema>
export const incomingWebhookDataValidator = lazyValidator(incomingWebhookDataSchema, dataValidator)

export const incomingWebhookQuerySchema = Type.Object(
  {
    chat_id: Text({ minLength: 1, maxLength: 50 }),
    $limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { additionalProperties: false }
)
export type IncomingWebhookQuery = Static<typeof incomingWebhookQuerySchema>
export const incomingWebhookQueryValidator = lazyValidator(incomingWebhookQuerySchema, queryValidator)

export const incomingWebhookPageSchema = OffsetPage(incomingWebhookSchema, 'IncomingWebhookPage')
export type IncomingWebhookPage = OffsetPaged<IncomingWebhook>

// What an integration posts to its URL: the text, and an idempotency key for its retries.
export const hookPostDataSchema = Type.Object(
  {
    content: Text({ minLength: 1, maxLength: 100_000 }),
    client_id: Type.Optional(Text({ minLength: 1, maxLength: 64 }))
  },
  { $id: 'HookPostData', additionalProperties: false }
)
export type HookPostData = Static<typeof hookPostDataSchema>
export const hookPostDataValidator = lazyValidator(hookPostDataSchema, dataValidator)

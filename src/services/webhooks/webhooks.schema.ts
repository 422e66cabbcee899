// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
// Outgoing webhooks (SPEC §15). The signing secret is stored (the server signs with it) but leaves the server
// once only, in the answer to the create that made it: every other answer and every event is read with
// `webhookColumns`, an allow-list without it.
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator, DateTime, Nullable, Text, lazyValidator } from '../../validators'
import { webhookEvents } from './outbox'

const eventList = Type.Array(StringEnum([...webhookEvents]), {
  minItems: 1,
  maxItems: webhookEvents.length,
  uniqueItems: true,
  description: `The events to deliver: ${webhookEvents.join(', ')}`
})

const webhookFields = {
  webhook_id: Type.String(),
  chat_id: Nullable(Type.String({ description: 'The chat; null: every chat (system-wide, admin CLI only)' })),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean({ description: 'False once disabled (by PATCH, or after a run of failed attempts)' }),
  consecutive_failures: Type.Integer({ description: 'Failed attempts in a row (0 after a success)' }),
  created_by: Nullable(Type.String()),
  created_at: DateTime(),
  updated_at: DateTime()
}

/** Columns a webhook is read with: never the secret. */
export const webhookColumns = Object.keys(webhookFields)

export const webhookSchema = Type.Object(webhookFields, { $id: 'Webhook', additionalProperties: false })
export type WebhookRecord = Static<typeof webhookSchema>

export const createdWebhookSchema = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      description: 'The Standard Webhooks signing secret (`whsec_` + base64): shown in this answer only'
    })
  },
  { $id: 'CreatedWebhook', additionalProperties: false }
)
export type CreatedWebhook = Static<typeof createdWebhookSchema>

export const webhookDataSchema = Type.Object(
  {
    url: Text({ minLength: 1, maxLength: 2000, description: 'An http(s) URL on a public address' }),
    events: eventList,
    chat_id: Type.Optional(Nullable(Text({ minLength: 1, maxLength: 50 })))
  },
  { $id: 'WebhookData', additionalProperties: false }
)
export type WebhookData = Static<typeof webhookDataSchema>
export const webhookDataValidator = lazyValidator(webhookDataSchema, dataValidator)

export const webhookPatchSchema = Type.Object(
  {
    url: Type.Optional(Text({ minLength: 1, maxLength: 2000 })),
    events: Type.Optional(eventList),
    active: Type.Optional(Type.Boolean({ description: 'true re-enables (and resets the failure run)' }))
  },
  { $id: 'WebhookPatch', additionalProperties: false, minProperties: 1 }
)
export type WebhookPatch = Static<typeof webhookPatchSchema>
export const webhookPatchValidator = lazyValidator(webhookPatchSchema, dataValidator)

export const webhookQuerySchema = Type.Object(
  { chat_id: Type.Optional(Text({ minLength: 1, maxLength: 50 })) },
  { additionalProperties: false }
)
export type WebhookQuery = Static<typeof webhookQuerySchema>
export const webhookQueryValidator = lazyValidator(webhookQuerySchema, queryValidator)

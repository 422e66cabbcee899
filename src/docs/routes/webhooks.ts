// Outgoing webhooks (SPEC §15) in the OpenAPI document (see ./index.ts).
import {
  createdWebhookSchema,
  webhookDataSchema,
  webhookPatchSchema,
  webhookQuerySchema,
  webhookSchema
} from '../../services/webhooks/webhooks.schema'
import { deliveryPageSchema, deliveryQuerySchema } from '../../services/webhooks/deliveries/deliveries.schema'
import { Type } from '@feathersjs/typebox'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const webhook = {
  webhook_id: '01JD8Z4W9Q7GXJ3N2B5V6C8D0E',
  chat_id: ex.exampleMessage.chat_id,
  url: 'https://hooks.example.com/chat',
  events: ['message.created', 'reaction.added'],
  active: true,
  consecutive_failures: 0,
  created_by: ex.exampleMessage.sender_id,
  created_at: ex.exampleMessage.created_at,
  updated_at: ex.exampleMessage.created_at
}
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw3SbJmGdpfXE='
const attempt = {
  delivery_id: '42',
  event: 'message.created',
  webhook_message_id: 'msg_5f0c7a2e9b4d4c1f8e6a3b2d1c0e9f8a',
  attempt: 2,
  status_code: 200,
  duration_ms: 38,
  error: null,
  attempted_at: ex.exampleMessage.created_at,
  state: 'delivered',
  next_attempt_at: null
}
const who =
  'The owner or an admin of the group whose chat it is (404 for non-members of the chat, 403 for members, ' +
  '400 naming `chat_id` for a private chat).'

export const webhooksRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/webhooks',
    tag: 'webhooks',
    summary: 'Register an outgoing webhook on a group chat',
    description:
      `${who} \`events\`: any of message.created, message.updated, message.deleted, reaction.added, ` +
      'reaction.removed, member.added, member.removed. `url`: http(s); loopback, private, link-local and ' +
      'other non-public targets (and names resolving to them) are refused with a 400 naming `url` unless the ' +
      'server allows private targets. At most `webhooks.maxPerChat` per chat. The answer carries the Standard ' +
      'Webhooks signing `secret`, shown this once. System-wide webhooks (every chat) are made by the admin CLI.',
    feathers: { service: 'api/webhooks', method: 'create' },
    auth: 'bearer',
    body: {
      schema: webhookDataSchema,
      example: { url: webhook.url, events: webhook.events, chat_id: webhook.chat_id }
    },
    responses: { 201: json(createdWebhookSchema, { ...webhook, secret }, 'Registered (with its secret)') },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/webhooks',
    tag: 'webhooks',
    summary: "A chat's webhooks",
    description: `\`chat_id\` is required. ${who} Never with the secret.`,
    feathers: { service: 'api/webhooks', method: 'find' },
    auth: 'bearer',
    query: webhookQuerySchema,
    responses: { 200: json(Type.Array(webhookSchema), [webhook], 'The webhooks, oldest first') },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/webhooks/{webhook_id}',
    tag: 'webhooks',
    summary: 'A webhook',
    description: `${who} Never with the secret.`,
    feathers: { service: 'api/webhooks', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(webhookSchema, webhook, 'The webhook') },
    errors: [403, 404]
  },
  {
    method: 'patch',
    path: '/api/webhooks/{webhook_id}',
    tag: 'webhooks',
    summary: 'Change or re-enable a webhook',
    description:
      `${who} \`active: true\` re-enables a disabled webhook and resets its failure run; its pending ` +
      'deliveries then go out. The creator gets `patched` on `api/webhooks`, also when the server disables ' +
      'the webhook after a run of failed attempts.',
    feathers: { service: 'api/webhooks', method: 'patch' },
    auth: 'bearer',
    body: { schema: webhookPatchSchema, example: { active: true } },
    responses: { 200: json(webhookSchema, webhook, 'The webhook as it is now') },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/webhooks/{webhook_id}',
    tag: 'webhooks',
    summary: 'Remove a webhook',
    description: `${who} Its queued deliveries and delivery log go with it.`,
    feathers: { service: 'api/webhooks', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(webhookSchema, webhook, 'Removed') },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/webhooks/{webhook_id}/deliveries',
    tag: 'webhooks',
    summary: 'The delivery log of a webhook',
    description:
      `${who} The first page starts with the deliveries queued and not attempted yet (\`attempt\` 0, ` +
      '`state` pending), then every attempt, newest first: event, `webhook-id`, attempt number, HTTP status, ' +
      'duration, error, and on the latest attempt of a delivery still pending, when it is tried next. ' +
      '`before=<cursor>` for older attempts; `limit` ≤ 100 (default 50).',
    feathers: { service: 'api/webhooks/:webhook_id/deliveries', method: 'find' },
    auth: 'bearer',
    query: deliveryQuerySchema,
    responses: {
      200: json(
        deliveryPageSchema,
        { data: [attempt], limit: 50, has_more: false, cursor: null },
        'A page of attempts'
      )
    },
    errors: [403, 404]
  }
]

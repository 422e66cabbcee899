// The incoming webhooks routes of the OpenAPI document (see ./index.ts).
import {
  createdIncomingWebhookSchema,
  hookPostDataSchema,
  incomingWebhookDataSchema,
  incomingWebhookPageSchema,
  incomingWebhookQuerySchema,
  incomingWebhookSchema
} from '../../services/incoming-webhooks/incoming-webhooks.schema'
import { messageSchema } from '../../services/messages/messages.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const hook = {
  incoming_webhook_id: '01J9ZJ4N0W3XQ5V7B8C9D0E1F2',
  chat_id: ex.exampleMessage.chat_id,
  group_id: '01J9ZJ4N0W3XQ5V7B8C9D0E1G3',
  name: 'CI',
  user_id: '01J9ZJ4N0W3XQ5V7B8C9D0E1H4',
  created_by: ex.exampleMessage.sender_id,
  created_at: ex.exampleMessage.created_at
}
const token = 'fci_3q2-7wVfYh0bU1x9aQe4kLm5nOp6rSt7uVw8xYz9A0B'

export const incomingWebhooksRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/webhooks/incoming',
    tag: 'webhooks',
    summary: 'Make an incoming webhook for a group chat',
    description:
      'Owner or admin of the group (403 for members, 404 for non-members; 400 for a private chat). Makes the ' +
      'integration, a bot user (`is_bot`) named `name` that joins the group as a member, and a secret URL ' +
      '`/api/hooks/<token>` (relative to this server), shown only in this answer and stored as a hash. At ' +
      'most `INCOMING_WEBHOOKS_PER_CHAT` (10) per chat.',
    feathers: { service: 'api/webhooks/incoming', method: 'create' },
    auth: 'bearer',
    body: { schema: incomingWebhookDataSchema, example: { chat_id: hook.chat_id, name: 'CI' } },
    responses: {
      201: json(createdIncomingWebhookSchema, { ...hook, token, url: `/api/hooks/${token}` }, 'Made')
    },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/webhooks/incoming',
    tag: 'webhooks',
    summary: "A group chat's incoming webhooks",
    description: 'Owner or admin of the group. Oldest first; no secrets.',
    feathers: { service: 'api/webhooks/incoming', method: 'find' },
    auth: 'bearer',
    query: incomingWebhookQuerySchema,
    responses: {
      200: json(incomingWebhookPageSchema, { data: [hook], limit: 50, skip: 0, has_more: false }, 'A page')
    },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/webhooks/incoming/{incoming_webhook_id}',
    tag: 'webhooks',
    summary: 'One incoming webhook',
    description: 'Owner or admin of its group; no secret.',
    feathers: { service: 'api/webhooks/incoming', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(incomingWebhookSchema, hook, 'The webhook') },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/webhooks/incoming/{incoming_webhook_id}',
    tag: 'webhooks',
    summary: 'Revoke an incoming webhook',
    description:
      'Owner or admin of its group. The URL stops working at once and the integration leaves the group (its ' +
      'messages stay). Removing the integration from the group switches the URL off the same way.',
    feathers: { service: 'api/webhooks/incoming', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(incomingWebhookSchema, hook, 'Revoked') },
    errors: [403, 404]
  },
  {
    method: 'post',
    path: '/api/hooks/{token}',
    tag: 'webhooks',
    summary: 'Post into the chat as the integration',
    description:
      'No `Authorization` header: the secret in the URL is the credential (an unknown, revoked or switched-off ' +
      "one gets the same 404). The message goes through the rules of any member's message (length, mutes) and " +
      'reaches members as `created` on `api/messages`. `client_id` makes retries safe (200 with the same ' +
      'message). At most `RATE_LIMIT_INCOMING_WEBHOOK_PER_MINUTE` (60) posts per minute per webhook (429 with ' +
      '`Retry-After`).',
    feathers: { service: 'api/hooks/:token', method: 'create' },
    auth: 'none',
    body: { schema: hookPostDataSchema, example: { content: 'Build #42 passed', client_id: 'build-42' } },
    responses: {
      201: json(messageSchema, { ...ex.exampleMessage, sender_id: hook.user_id }, 'Posted'),
      200: json(messageSchema, { ...ex.exampleMessage, sender_id: hook.user_id }, 'A retry: the same message')
    },
    errors: [404, 429]
  }
]

// Outgoing webhooks (SPEC §15) are managed by the owner and admins of the group whose chat they watch.
// Non-members of the chat get 404 (like every chat route), members without that role 403, a private chat a
// 400 naming `chat_id` (webhooks are for group chats). A webhook is found by its id (`:id`, or the route's
// `:webhook_id` for its deliveries) and then checked the same way on its chat; a system-wide webhook
// (`chat_id` null, made by the admin CLI) is not found by any client. Internal calls (no provider) pass.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { chatNotFound } from '../../errors'
import { assertGroupChatAdmin } from './group-chat-admin'
import { webhookNotFound } from '../../services/webhooks/webhooks.class'
import { routeParam } from './route-param'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The webhook the caller was proven to manage (requireWebhookAdmin). */
    webhook?: { webhook_id: string; chat_id: string }
  }
}

const chatIdRequired = () => {
  const message = 'is required'
  return new BadRequest(`Invalid data: chat_id ${message}`, [{ instancePath: '/chat_id', message }])
}

/** create: `data.chat_id`; find: `query.chat_id`. */
export const requireWebhookChatAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  const chatId = context.method === 'create' ? context.data?.chat_id : context.params.query?.chat_id
  if (typeof chatId !== 'string' || !chatId) throw chatIdRequired()
  await assertGroupChatAdmin(context, chatId, chatNotFound, 'webhooks')
}

/** get, patch, remove (`:id`) and the deliveries (`:webhook_id`): the webhook's chat. */
export const requireWebhookAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  const webhookId =
    context.path === 'api/webhooks' ? String(context.id ?? '') : routeParam(context, 'webhook_id')
  const webhook = webhookId
    ? await context.app
        .get('postgresqlClient')('webhooks')
        .where('webhook_id', webhookId)
        .first('webhook_id', 'chat_id')
    : undefined
  if (!webhook || !webhook.chat_id) throw webhookNotFound()
  await assertGroupChatAdmin(context, webhook.chat_id, webhookNotFound, 'webhooks')
  context.params.webhook = webhook
}

// Outgoing webhooks (SPEC §15) are managed by the owner and admins of the group whose chat they watch.
// Non-members of the chat get 404 (like every chat route), members without that role 403, a private chat a
// 400 naming `chat_id` (webhooks are for group chats). A webhook is found by its id (`:id`, or the route's
// `:webhook_id` for its deliveries) and then checked the same way on its chat; a system-wide webhook
// (`chat_id` null, made by the admin CLI) is not found by any client. Internal calls (no provider) pass.
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { chatNotFound } from '../../errors'
import { findParticipant } from '../../services/chats/membership'
import { groupRoleOf } from '../../services/groups/group-store'
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

/** The caller must own or administer the group of chat `chatId` (404 for non-members). */
const assertChatAdmin = async (context: HookContext, chatId: string, notFound: () => Error) => {
  const db = context.app.get('postgresqlClient')
  const userId = context.params.user?.user_id
  if (!userId || !(await findParticipant(db, chatId, userId))) throw notFound()
  const role = await groupRoleOf(db, { chatId }, userId)
  if (!role) {
    const message = 'must be a group chat (private chats have no webhooks)'
    throw new BadRequest(`Invalid data: chat_id ${message}`, [{ instancePath: '/chat_id', message }])
  }
  if (role === 'member') throw new Forbidden('Only a group owner or admin can manage its webhooks')
}

/** create: `data.chat_id`; find: `query.chat_id`. */
export const requireWebhookChatAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  const chatId = context.method === 'create' ? context.data?.chat_id : context.params.query?.chat_id
  if (typeof chatId !== 'string' || !chatId) throw chatIdRequired()
  await assertChatAdmin(context, chatId, chatNotFound)
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
  await assertChatAdmin(context, webhook.chat_id, webhookNotFound)
  context.params.webhook = webhook
}

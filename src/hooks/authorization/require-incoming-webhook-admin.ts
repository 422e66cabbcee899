// Managing a chat's incoming webhooks is for the owner and admins of its group (group-chat-admin.ts). The
// chat comes from the body (create), the query (find) or the webhook itself (get, remove: a non-member gets
// the webhook's 404). Internal calls pass.
import type { HookContext } from '../../declarations'
import { chatNotFound, incomingWebhookNotFound } from '../../errors'
import { incomingWebhookById } from '../../services/incoming-webhooks/incoming-webhook-store'
import { assertGroupChatAdmin } from './group-chat-admin'

const WHAT = 'incoming webhooks'

export const requireIncomingWebhookAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  if (context.method === 'get' || context.method === 'remove') {
    const db = context.app.get('postgresqlClient')
    const hook = context.id === undefined ? undefined : await incomingWebhookById(db, String(context.id))
    if (!hook) throw incomingWebhookNotFound()
    await assertGroupChatAdmin(context, hook.chat_id, incomingWebhookNotFound, WHAT)
    return
  }
  const chatId = context.method === 'create' ? context.data.chat_id : context.params.query?.chat_id
  await assertGroupChatAdmin(context, String(chatId), chatNotFound, WHAT)
}

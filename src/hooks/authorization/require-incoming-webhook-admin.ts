// Managing a chat's incoming webhooks is for the owner and admins of its group. The chat comes from the body
// (create), the query (find) or the webhook itself (get, remove). Non-members get the 404 of a chat (or of a
// webhook) that does not exist; members of a private chat are told incoming webhooks are for groups (a
// private chat has exactly its two people); plain group members get 403. Internal calls pass.
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { chatNotFound, incomingWebhookNotFound } from '../../errors'
import { findParticipant } from '../../services/chats/membership'
import { groupRoleOf } from '../../services/groups/group-store'
import { incomingWebhookById } from '../../services/incoming-webhooks/incoming-webhook-store'

export const requireIncomingWebhookAdmin = async (context: HookContext) => {
  if (!context.params.provider) return
  const db = context.app.get('postgresqlClient')
  const userId = context.params.user!.user_id
  const byId = context.method === 'get' || context.method === 'remove'
  let chatId: string
  if (byId) {
    const hook = context.id === undefined ? undefined : await incomingWebhookById(db, String(context.id))
    if (!hook || !(await groupRoleOf(db, { chatId: hook.chat_id }, userId))) throw incomingWebhookNotFound()
    chatId = hook.chat_id
  } else {
    chatId = String(context.method === 'create' ? context.data.chat_id : context.params.query?.chat_id)
  }
  const role = await groupRoleOf(db, { chatId }, userId)
  if (!role) {
    if (await findParticipant(db, chatId, userId)) {
      const message = 'incoming webhooks are for group chats'
      const where = context.method === 'create' ? 'data' : 'query'
      throw new BadRequest(`Invalid ${where}: chat_id: ${message}`, [{ instancePath: '/chat_id', message }])
    }
    throw chatNotFound()
  }
  if (role === 'member') throw new Forbidden('Only a group owner or admin can manage incoming webhooks')
}

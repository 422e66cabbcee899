// For services nested under a message (`api/messages/:message_id/reactions`, `/edits`): the caller must be a
// participant of the message's chat (else 404, like a message that does not exist; another chat's message
// ids included). Sets params.message and params.membership like requireMessageAccess. Internal calls pass.
import type { HookContext } from '../../declarations'
import { messageNotFound } from '../../errors'
import { findParticipant } from '../../services/chats/membership'

export const requireRouteMessageAccess = async (context: HookContext) => {
  if (!context.params.provider) return
  const db = context.app.get('postgresqlClient')
  const messageId = String(context.params.route?.message_id ?? '')
  const userId = context.params.user?.user_id
  const message = messageId ? await db('messages').where({ message_id: messageId }).first() : undefined
  const participant = message && userId && (await findParticipant(db, message.chat_id, userId))
  if (!message || !participant) throw messageNotFound()
  context.params.message = message
  context.params.membership = { chat_id: message.chat_id, user_id: userId }
}

// Message-level authorization for `api/messages/:message_id` and the services nested under a message. The
// message is loaded once, then the caller must be a participant of its chat (else 404, like a message that
// does not exist; another chat's message ids included). Internal calls pass.
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { findParticipant } from '../../services/chats/membership'
import type { Message } from '../../services/messages/messages.class'
import { messageNotFound } from '../../errors'
import { groupRoleOf } from '../../services/groups/group-store'
import { findMessage } from '../../services/messages/message-store'
import { routeParam } from './route-param'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The message named by the id, loaded by requireMessageAccess. */
    message?: Message
  }
}

/** `api/messages/:message_id`: the message named by the call's id. */
export const requireMessageAccess = async (context: HookContext) => {
  if (context.params.provider) await authorizeMessage(context, String(context.id))
}

/** A message's nested services (`api/messages/:message_id/reactions`, `/edits`, `/thread`): by the route. */
export const requireRouteMessageAccess = async (context: HookContext) => {
  if (context.params.provider) await authorizeMessage(context, routeParam(context, 'message_id'))
}

const authorizeMessage = async (context: HookContext, messageId: string) => {
  const db = context.app.get('postgresqlClient')
  const message = await findMessage(db, messageId)
  const userId = context.params.user?.user_id
  const participant = message && userId && (await findParticipant(db, message.chat_id, userId))
  if (!message || !participant) throw messageNotFound()
  context.params.message = message
  context.params.membership = {
    chat_id: message.chat_id,
    user_id: userId,
    muted_until: participant.muted_until ?? null
  }
}

/** Only the sender may edit. Runs after requireMessageAccess. */
export const requireSender = async (context: HookContext) => {
  const { message, user, provider } = context.params
  if (!provider) return
  if (message?.sender_id !== user?.user_id) throw new Forbidden('Only the sender can edit this message')
}

/** The sender may delete; so may an owner or admin of the group the chat belongs to. */
export const requireSenderOrGroupAdmin = async (context: HookContext) => {
  const { message, user, provider } = context.params
  if (!provider || !message || !user) return
  if (message.sender_id === user.user_id) return
  const role = await groupRoleOf(
    context.app.get('postgresqlClient'),
    { chatId: message.chat_id },
    user.user_id
  )
  if (role !== 'owner' && role !== 'admin') {
    throw new Forbidden('Only the sender or a group owner or admin can delete this message')
  }
}

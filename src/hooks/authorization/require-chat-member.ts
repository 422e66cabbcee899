// Callers must be a participant of the chat named by the route (`:chat_id`). Non-members get the same 404
// as a chat that does not exist, so a chat's existence is not disclosed. Internal calls (no provider) pass.
import { NotFound } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { findParticipant, type Participant } from '../../services/chats/membership'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The caller's participant row, set by requireChatMember. */
    participant?: Participant
  }
}

export const chatNotFound = () => new NotFound('Chat not found')

export const requireChatMember = async (context: HookContext) => {
  if (!context.params.provider) return
  const chatId = context.params.route?.chat_id ?? context.id
  const userId = context.params.user?.user_id
  const participant =
    chatId && userId && (await findParticipant(context.app.get('postgresqlClient'), String(chatId), userId))
  if (!participant) throw chatNotFound()
  context.params.participant = participant
}

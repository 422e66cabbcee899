// Callers must be a participant of the chat named by the route (`:chat_id`). Non-members get the same 404
// as a chat that does not exist, so a chat's existence is not disclosed. Internal calls (no provider) pass.
import type { HookContext } from '../../declarations'
import { chatNotFound } from '../../errors'
import { muteEndMs } from '../../caches/memberships'
import { findParticipant } from '../../services/chats/membership'
import { routeParam } from './route-param'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The chat the caller was proven a member of (requireChatMember, requireMessageAccess). */
    membership?: { chat_id: string; user_id: string; muted_until?: string | Date | null }
  }
}

/** Membership comes from the MembershipCache when proven recently, else from `chat_participants`. */
export const requireChatMember = async (context: HookContext) => {
  if (!context.params.provider) return
  // `api/chats/:chat_id` names the chat by its id; every service nested under a chat, by its route.
  const chatId = context.path === 'api/chats' ? String(context.id ?? '') : routeParam(context, 'chat_id')
  const userId = context.params.user?.user_id
  if (!chatId || !userId) throw chatNotFound()
  const memberships = context.app.get('memberships')
  let mutedUntil = memberships.mutedUntil(chatId, userId)
  if (mutedUntil === undefined) {
    const mark = memberships.mark()
    const participant = await findParticipant(context.app.get('postgresqlClient'), chatId, userId)
    if (!participant) throw chatNotFound()
    memberships.rememberSince(mark, chatId, userId, participant.muted_until)
    mutedUntil = muteEndMs(participant.muted_until)
  }
  context.params.membership = {
    chat_id: chatId,
    user_id: userId,
    muted_until: mutedUntil ? new Date(mutedUntil).toISOString() : null
  }
}

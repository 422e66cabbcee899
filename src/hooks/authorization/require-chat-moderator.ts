// Moderation of a chat (pins): in a private chat either member; in a group its owner and admins (403 for
// other members). Non-members get 404 from requireChatMember first. Internal calls pass.
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { groupRoleOf } from '../../services/groups/group-store'
import { requireChatMember } from './require-chat-member'

export const requireChatModerator = async (context: HookContext) => {
  if (!context.params.provider) return
  await requireChatMember(context)
  // A member of the chat with no group role is in a private chat: either member moderates it.
  const chatId = context.params.membership!.chat_id
  const role = await groupRoleOf(
    context.app.get('postgresqlClient'),
    { chatId },
    context.params.user!.user_id
  )
  if (role === 'member') throw new Forbidden('Only a group owner or admin can do this')
}

// Moderation of a chat (pins): in a private chat either member; in a group its owner and admins (403 for
// other members). Non-members get 404 from requireChatMember first. Internal calls pass.
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { groupRoleOf } from '../../services/groups/group-store'
import { requireChatMember } from './require-chat-member'

export const requireChatModerator = async (context: HookContext) => {
  if (!context.params.provider) return
  await requireChatMember(context)
  const db = context.app.get('postgresqlClient')
  const chatId = context.params.membership!.chat_id
  const chat = await db('chats').where({ chat_id: chatId }).first('type')
  if (chat?.type !== 'group') return
  const role = await groupRoleOf(db, { chatId }, context.params.user!.user_id)
  if (role !== 'owner' && role !== 'admin') throw new Forbidden('Only a group owner or admin can do this')
}

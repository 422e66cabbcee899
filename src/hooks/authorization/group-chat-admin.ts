// Integrations of a chat (outgoing and incoming webhooks, SPEC §15) are managed by the owner and admins of the
// group whose chat it is. Non-members get `notFound` (a chat's existence is not disclosed), a private chat a
// 400 naming `chat_id` (its two people have no group roles), members without the role 403.
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { findParticipant } from '../../services/chats/membership'
import { groupRoleOf } from '../../services/groups/group-store'

export const assertGroupChatAdmin = async (
  context: HookContext,
  chatId: string,
  notFound: () => Error,
  what: string
) => {
  const db = context.app.get('postgresqlClient')
  const userId = context.params.user?.user_id
  if (!userId || !(await findParticipant(db, chatId, userId))) throw notFound()
  const role = await groupRoleOf(db, { chatId }, userId)
  if (!role) {
    const message = `must be a group chat (private chats have no ${what})`
    const where = context.method === 'find' ? 'query' : 'data'
    throw new BadRequest(`Invalid ${where}: chat_id ${message}`, [{ instancePath: '/chat_id', message }])
  }
  if (role === 'member') throw new Forbidden(`Only a group owner or admin can manage its ${what}`)
}

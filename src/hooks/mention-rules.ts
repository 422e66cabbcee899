// `mentions` on a send or an edit (SPEC §12): user ids of members of the chat (400 otherwise, naming the
// field), and in groups `all`, which only the owner and admins may use (403). One query per message that
// has mentions (services/messages/mention-store.ts); none for a message without.
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { messageNotFound } from '../errors'
import { checkMentions } from '../services/messages/mention-store'
import { findMessage } from '../services/messages/message-store'
import { MENTION_ALL } from '../services/messages/thread-mention.schema'

const invalid = (message: string) =>
  new BadRequest(`Invalid data: mentions ${message}`, [{ instancePath: '/mentions', message }])

/** The chat of the message: the route's on a send, the edited message's (requireMessageAccess) on an edit. */
const chatOf = async (context: HookContext): Promise<string> => {
  if (context.params.route?.chat_id) return String(context.params.route.chat_id)
  if (context.params.message) return context.params.message.chat_id
  const message = await findMessage(context.app.get('postgresqlClient'), String(context.id))
  if (!message) throw messageNotFound()
  return message.chat_id
}

export const validateMentions = async (context: HookContext) => {
  const mentions: string[] | undefined = context.data?.mentions
  if (!mentions?.length) return
  const sender = context.params.user
  if (!sender) throw invalid('need a sender')
  const userIds = mentions.filter((m) => m !== MENTION_ALL)
  const everyone = userIds.length < mentions.length
  const check = await checkMentions(
    context.app.get('postgresqlClient'),
    await chatOf(context),
    sender.user_id,
    userIds
  )
  if (check.members !== userIds.length) throw invalid('must be user ids of members of this chat')
  if (everyone && check.type !== 'group') throw invalid(`may contain "${MENTION_ALL}" in group chats only`)
  if (everyone && check.role !== 'owner' && check.role !== 'admin') {
    throw new Forbidden(`Only a group owner or admin can mention "${MENTION_ALL}"`)
  }
}

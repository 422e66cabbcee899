import { BadRequest } from '@feathersjs/errors'
import { chatNotFound } from '../../../errors'
import type { NullableId, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { mentionCounts } from '../../messages/mention-store'
import type { MarkReadData, ReadReceipt } from '../chats.schema'

export const markReadPath = 'api/chats/:chat_id/mark-read'

/**
 * `PUT /api/chats/:chat_id/mark-read {message_id?}`: moves my read pointer to that message (default: the
 * latest). The pointer only moves forward; when it moves, the chat's members get a `read` event. The answer,
 * and the event as my own connections get it (channels.ts), carry my new `unread_count` and `mention_count`.
 */
export class MarkReadService {
  constructor(private readonly app: Application) {}

  async update(_id: NullableId, data: MarkReadData, params: Params): Promise<ReadReceipt> {
    const db = this.app.get('postgresqlClient')
    const chatId = String(params.route!.chat_id)
    const userId = params.user!.user_id
    const chat = await db('chats').where({ chat_id: chatId }).first('last_seq')
    let seq = chat.last_seq as number
    if (data.message_id) {
      const message = await db('messages')
        .where({ chat_id: chatId, message_id: data.message_id })
        .first('seq')
      if (!message) throw new BadRequest('Invalid data: message_id must be a message of this chat')
      seq = message.seq
    }
    // The pointer only moves forward; whether it moved (and a `read` event is due) is the UPDATE's own answer.
    const mine = () => db('chat_participants').where({ chat_id: chatId, user_id: userId })
    const [moved] = await mine()
      .where('last_read_seq', '<', seq)
      .update({ last_read_seq: seq })
      .returning('last_read_seq')
    const lastReadSeq: number | undefined =
      moved?.last_read_seq ?? (await mine().first('last_read_seq'))?.last_read_seq
    if (lastReadSeq === undefined) throw chatNotFound()
    const unread = Math.max(chat.last_seq - lastReadSeq, 0)
    // Mentions are messages: none unread, none to count (no query), as in the chat list.
    const mentions = unread ? ((await mentionCounts(db, userId, [chatId])).get(chatId) ?? 0) : 0
    const receipt: ReadReceipt = {
      chat_id: chatId,
      user_id: userId,
      last_read_seq: lastReadSeq,
      unread_count: unread,
      mention_count: mentions
    }
    if (moved) this.app.service(markReadPath).emit('read', receipt)
    return receipt
  }
}

import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { searchMessages } from '../../search/messages/message-search-store'
import type { MessageSearchPage, MessageSearchQuery } from '../../search/messages/messages.schema'
import { withMyReactions } from '../../messages/reactions/reaction-store'

/**
 * `GET /api/chats/:chat_id/messages/search?q=`: search inside one chat (members only: requireChatMember).
 * The statement is in src/services/search/messages/message-search-store.ts, shared with `api/search/messages`.
 */
export class MessageSearchService {
  constructor(private readonly app: Application) {}

  async find(params: Params<MessageSearchQuery>): Promise<MessageSearchPage> {
    const db = this.app.get('postgresqlClient')
    const page = await searchMessages(db, { chatId: String(params.route!.chat_id) }, params.query!)
    return { ...page, data: await withMyReactions(db, params.user?.user_id, page.data) } // `me` (SPEC §11)
  }
}

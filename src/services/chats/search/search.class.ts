import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { searchPage } from '../../search/messages/messages.class'
import type { MessageSearchPage, MessageSearchQuery } from '../../search/messages/messages.schema'

/**
 * `GET /api/chats/:chat_id/messages/search?q=`: search inside one chat (members only: requireChatMember).
 * The statement is in src/services/search/messages/message-search-store.ts, shared with `api/search/messages`.
 */
export class MessageSearchService {
  constructor(private readonly app: Application) {}

  find(params: Params<MessageSearchQuery>): Promise<MessageSearchPage> {
    return searchPage(this.app, { chatId: String(params.route!.chat_id) }, params)
  }
}

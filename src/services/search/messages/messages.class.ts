import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { searchMessages } from './message-search-store'
import type { MessageSearchPage, MessageSearchQuery } from './messages.schema'

/**
 * `GET /api/search/messages?q=`: search across every chat the caller is in, checked in the statement itself
 * (chat_participants at query time), so a chat left a moment ago is not searched.
 */
export class GlobalMessageSearchService {
  constructor(private readonly app: Application) {}

  async find(params: Params<MessageSearchQuery>): Promise<MessageSearchPage> {
    return searchMessages(
      this.app.get('postgresqlClient'),
      { memberId: String(params.user!.user_id) },
      params.query!
    )
  }
}

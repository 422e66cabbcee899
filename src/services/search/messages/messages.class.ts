import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { searchMessages } from './message-search-store'
import { withMyReactions } from '../../messages/reactions/reaction-store'
import type { MessageSearchPage, MessageSearchQuery } from './messages.schema'

/**
 * `GET /api/search/messages?q=`: search across every chat the caller is in, checked in the statement itself
 * (chat_participants at query time), so a chat left a moment ago is not searched.
 */
export class GlobalMessageSearchService {
  constructor(private readonly app: Application) {}

  async find(params: Params<MessageSearchQuery>): Promise<MessageSearchPage> {
    const db = this.app.get('postgresqlClient')
    const page = await searchMessages(db, { memberId: String(params.user!.user_id) }, params.query!)
    return { ...page, data: await withMyReactions(db, params.user?.user_id, page.data) } // `me` (SPEC §11)
  }
}

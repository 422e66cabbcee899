import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { searchMessages, type SearchScope } from './message-search-store'
import type { MessageSearchPage, MessageSearchQuery } from './messages.schema'

/**
 * A page of hits as the caller sees them: attachments and `me` on each reaction (SPEC §11) come from
 * MessageService.view, as on threads and mentions. Shared by both search routes.
 */
export const searchPage = async (
  app: Application,
  scope: SearchScope,
  params: Params<MessageSearchQuery>
): Promise<MessageSearchPage> => {
  const page = await searchMessages(app.get('postgresqlClient'), scope, params.query!)
  return { ...page, data: await app.service('api/messages').view(page.data, params) }
}

/**
 * `GET /api/search/messages?q=`: search across every chat the caller is in, checked in the statement itself
 * (chat_participants at query time), so a chat left a moment ago is not searched.
 */
export class GlobalMessageSearchService {
  constructor(private readonly app: Application) {}

  find(params: Params<MessageSearchQuery>): Promise<MessageSearchPage> {
    return searchPage(this.app, { memberId: String(params.user!.user_id) }, params)
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../declarations'
import { mentionsOf } from '../messages/mention-store'
import type { MentionPage, MentionQuery } from './mentions.schema'

export type { MentionPage, MentionQuery }

/**
 * `GET /api/mentions?before=&limit=`: the messages that mention me (by id or `all`), in chats I am still in,
 * newest first; deleted messages never (their mentions are removed with them). One query per page, plus one
 * for attachments when the page has any, one for my reactions when it has reactions. `before` is a message_id: ids sort by time, no lookup needed.
 */
export class MentionService {
  constructor(private readonly app: Application) {}

  async find(params: Params<MentionQuery>): Promise<MentionPage> {
    const userId = params.user?.user_id
    if (!userId) throw new BadRequest('Mentions need a user')
    const limit = Math.min(params.query?.limit ?? 50, 100)
    const rows = await mentionsOf(this.app.get('postgresqlClient'), userId, limit, params.query?.before)
    const data = await this.app.service('api/messages').view(rows.slice(0, limit), params)
    return { data, limit, has_more: rows.length > limit }
  }
}

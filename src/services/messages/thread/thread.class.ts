// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { MessagePage } from '../messages.schema'
import type { ThreadQuery } from './thread.schema'
import { replySeqOf, threadReplies } from './thread-store'

export type { ThreadQuery }

/**
 * `GET /api/messages/:message_id/thread`: a root's replies (members only: requireMessageAccess). Newest first
 * by default and with `before=<message_id>`; oldest first with `after_seq=<n>` (0: from the first reply).
 * One query per page, plus one to resolve a `before` cursor, plus one for attachments when a page has any and one for my reactions when it has reactions.
 */
export class ThreadService {
  constructor(private readonly app: Application) {}

  async find(params: Params<ThreadQuery>): Promise<MessagePage> {
    const db = this.app.get('postgresqlClient')
    const rootId = String(params.route?.message_id ?? '')
    const query = params.query ?? {}
    const limit = Math.min(query.limit ?? 50, 100)
    let beforeSeq: number | undefined
    if (query.before) {
      beforeSeq = await replySeqOf(db, rootId, query.before)
      if (beforeSeq === undefined) {
        const message = 'must be a reply in this thread'
        throw new BadRequest(`Invalid query: before ${message}`, [{ instancePath: '/before', message }])
      }
    }
    const order = query.after_seq !== undefined ? 'asc' : 'desc'
    const rows = await threadReplies(db, rootId, { afterSeq: query.after_seq, beforeSeq, limit, order })
    const data = await this.app.service('api/messages').view(rows.slice(0, limit), params)
    return { data, limit, has_more: rows.length > limit, order }
  }
}

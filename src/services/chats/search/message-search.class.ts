import type { Paginated, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { messageColumns, type Message, type MessageSearchQuery } from '../../messages/messages.schema'

/**
 * `GET /api/chats/:chat_id/messages/search?q=`: PostgreSQL full-text search inside one chat, ranked.
 * `q` is read by `websearch_to_tsquery` ("quoted phrases", `or`, `-excluded`), never as raw tsquery syntax.
 */
export class MessageSearchService {
  constructor(private readonly app: Application) {}

  async find(params: Params<MessageSearchQuery>): Promise<Paginated<Message & { rank: number }>> {
    const db = this.app.get('postgresqlClient')
    const { q, $limit, $skip = 0 } = params.query!
    const limit = Math.min($limit ?? 20, 50)
    const matches = db('messages')
      .crossJoin(db.raw(`websearch_to_tsquery('simple', ?) AS query`, [q]))
      .where('chat_id', String(params.route!.chat_id))
      .whereNull('deleted_at')
      .whereRaw('search_vector @@ query')
    const [rows, [{ count }]] = await Promise.all([
      matches
        .clone()
        .select(messageColumns.map((c) => `messages.${c}`))
        .select(db.raw('ts_rank(search_vector, query) AS rank'))
        .orderBy([
          { column: 'rank', order: 'desc' },
          { column: 'seq', order: 'desc' }
        ])
        .limit(limit)
        .offset($skip),
      matches.clone().count({ count: '*' })
    ])
    return { total: Number(count), limit, skip: $skip, data: rows }
  }
}

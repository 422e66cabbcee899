import type { Paginated, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { messageColumns, type Message, type MessageSearchQuery } from '../../messages/messages.schema'
import { withMyReactions } from '../../messages/reactions/reaction-store'

/** Relevance ranking covers the newest matches up to this many; `total` is capped at it too ("1000+"). */
export const SEARCH_WINDOW = 1000

/**
 * `GET /api/chats/:chat_id/messages/search?q=`: PostgreSQL full-text search inside one chat, ranked.
 * `q` is read by `websearch_to_tsquery` ("quoted phrases", `or`, `-excluded`), never as raw tsquery syntax.
 * Ranking every match of a common word in a big chat costs hundreds of milliseconds (200k matches in the
 * 1M-message benchmark), so the ranking runs over the newest SEARCH_WINDOW matches and `total` stops there.
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
      .orderBy('seq', 'desc')
      .limit(SEARCH_WINDOW)
    const [rows, counted] = await Promise.all([
      db
        .with(
          'recent',
          matches
            .clone()
            .select([
              ...messageColumns.map((c) => `messages.${c}`),
              db.raw('ts_rank(search_vector, query) AS rank')
            ])
        )
        .select('*')
        .from('recent')
        .orderBy([
          { column: 'rank', order: 'desc' },
          { column: 'seq', order: 'desc' }
        ])
        .limit(limit)
        .offset($skip),
      db.count({ count: '*' }).from(matches.clone().select(db.raw('1')).as('capped'))
    ])
    const data = await withMyReactions(db, params.user?.user_id, rows) // `me` per reaction (SPEC §11)
    return { total: Number((counted[0] as any).count), limit, skip: $skip, data }
  }
}

// The SQL of message search, shared by the in-chat and the across-my-chats routes. Three tiers, each a branch
// of one UNION ALL that takes its own newest skip + limit + 1 matches (so each branch can walk an index
// newest-first or use a GIN bitmap, whichever the planner finds cheaper); a message found by several keeps its
// highest rank. Branches do not exclude the tiers above them: an exclusion that removes every candidate (a
// common word's word forms are mostly the word itself) made a branch read all of them (0.5 s at 200k messages).
// Merging stays exact for the page: a message labelled below its true rank is one that the higher branch had
// no room for, so at least skip + limit + 1 higher-ranked hits precede it.
//   3  exact words        search_vector  @@ websearch_to_tsquery('simple', q)
//   2  English word forms search_english @@ websearch_to_tsquery('english', q)
//   1  prefix / inside    the last word as a prefix (to_tsquery ':*'), or every word of 3+ characters inside
//                         the text (ILIKE on the pg_trgm index), and every CJK run through its bigrams
//                         (search_cjk) checked with strpos.
// Membership is part of the statement (a chat I left or never joined cannot match), so is deleted_at.
import type { Knex } from 'knex'
import { messageColumns, type Message } from '../../messages/messages.schema'
import type { MessageSearchHit, MessageSearchPage, MessageSearchQuery } from './messages.schema'
import {
  cjkQuery,
  likeEscape,
  markedRanges,
  mergeRanges,
  parseTerms,
  prefixQuery,
  termRanges
} from './search-terms'

export const SEARCH_MAX_LIMIT = 50
const HEADLINE_OPTIONS = 'HighlightAll=true, StartSel=\u0001, StopSel=\u0002'

export type SearchScope = { chatId: string } | { memberId: string }

type Condition = { sql: string; bindings: unknown[] }

export const searchMessages = async (
  db: Knex,
  scope: SearchScope,
  query: MessageSearchQuery
): Promise<MessageSearchPage> => {
  const limit = Math.min(query.limit ?? query.$limit ?? 20, SEARCH_MAX_LIMIT)
  const skip = query.skip ?? query.$skip ?? 0
  const q = query.q
  const terms = parseTerms(q)

  const common: Condition[] = [{ sql: 'm.deleted_at IS NULL', bindings: [] }]
  // Across chats: each of my chats' newest matches (the (chat_id, seq) index), merged by time. A plain
  // `chat_id IN (my chats) ORDER BY created_at` read and sorted every match (190 ms for 'deploying' at 1M).
  if ('chatId' in scope) common.push({ sql: 'm.chat_id = ?', bindings: [scope.chatId] })
  else common.push({ sql: 'm.chat_id = p.chat_id', bindings: [] })
  if (query.from) common.push({ sql: 'm.sender_id = ?', bindings: [query.from] })
  if (query.has === 'file') common.push({ sql: 'm.file_id IS NOT NULL', bindings: [] })
  if (query.after) common.push({ sql: 'm.created_at > ?', bindings: [query.after] })
  if (query.before) common.push({ sql: 'm.created_at < ?', bindings: [query.before] })

  const exact: Condition = { sql: "m.search_vector @@ websearch_to_tsquery('simple', ?)", bindings: [q] }
  const forms: Condition = { sql: "m.search_english @@ websearch_to_tsquery('english', ?)", bindings: [q] }
  const inside: Condition[] = []
  if (terms.words.length && terms.words.every((w) => w.length >= 3)) {
    for (const w of terms.words) inside.push({ sql: 'm.content ILIKE ?', bindings: [`%${likeEscape(w)}%`] })
  } else if (terms.words.length) {
    inside.push({ sql: "m.search_vector @@ to_tsquery('simple', ?)", bindings: [prefixQuery(terms.words)] })
  }
  for (const run of terms.cjk) {
    inside.push(
      { sql: 'm.search_cjk @@ ?::tsquery', bindings: [cjkQuery(run)] },
      { sql: 'strpos(lower(m.content), lower(?)) > 0', bindings: [run] }
    )
  }
  for (const w of terms.negated)
    inside.push({ sql: "NOT (m.search_vector @@ to_tsquery('simple', ?))", bindings: [`'${w}'`] })

  // Recent first: by seq inside a chat (the (chat_id, seq) index), by time across chats.
  const window = skip + limit + 1
  const columns = messageColumns.map((c) => `m.${c}`).join(', ')
  const branch = (rank: number, conditions: Condition[]) => {
    const all = [...common, ...conditions]
    const inner = `SELECT ${columns}, m.created_at AS recency, m.id AS row_id, ${rank} AS rank FROM messages m
             WHERE ${all.map((c) => `(${c.sql})`).join(' AND ')} ORDER BY m.seq DESC LIMIT ${window}`
    const bindings = all.flatMap((c) => c.bindings)
    if ('chatId' in scope) return { sql: `(${inner})`, bindings }
    return {
      sql: `(SELECT m.* FROM chat_participants p, LATERAL (${inner}) m WHERE p.user_id = ?
             ORDER BY m.recency DESC, m.row_id DESC LIMIT ${window})`,
      bindings: [...bindings, scope.memberId]
    }
  }
  const branches = [branch(3, [exact]), branch(2, [forms])]
  if (inside.length) branches.push(branch(1, inside))
  const outerOrder = 'chatId' in scope ? 'seq DESC' : 'recency DESC, row_id DESC'
  const result = await db.raw(
    `SELECT hits.*, CASE WHEN rank = 2 THEN ts_headline('english', content, websearch_to_tsquery('english', ?), ?) END AS marked
     FROM (SELECT DISTINCT ON (message_id) * FROM (${branches.map((b) => b.sql).join(' UNION ALL ')}) found
           ORDER BY message_id, rank DESC) hits
     ORDER BY rank DESC, ${outerOrder} LIMIT ${limit + 1} OFFSET ${skip}`,
    [q, HEADLINE_OPTIONS, ...branches.flatMap((b) => b.bindings)] as any[]
  )
  const rows = result.rows as (Message & { rank: number; marked: string | null })[]
  const page = rows.slice(0, limit).map(({ rank, marked, ...row }) => {
    const message = Object.fromEntries(messageColumns.map((c) => [c, (row as any)[c]])) as Message
    const highlights = mergeRanges([
      ...markedRanges(message.content, marked),
      ...termRanges(message.content, terms)
    ])
    return { ...message, rank, highlights } as MessageSearchHit
  })
  // Attachments and `me` are added by the caller (MessageService.view), as for every other page of messages.
  return {
    data: page,
    limit,
    skip,
    has_more: rows.length > limit
  }
}

// The SQL our history and search services send (knex's output, printed with `.toSQL().toNative()`), shared by
// the bare Koa + pg baseline (bench/baseline-koa-pg.ts) and the EXPLAIN in bench/history.ts.
import { messageColumns } from '../../src/services/messages/messages.schema'
// The search statement changed (src/services/search/messages/message-search-store.ts); the baseline keeps the
// former single-tier statement, so bench/history.ts reports its answers differ for search paths.
const SEARCH_WINDOW = 1000

const columns = messageColumns.map((c) => `"${c}"`).join(', ')
const qualified = messageColumns.map((c) => `"messages"."${c}"`).join(', ')
const matches = `from "messages" cross join websearch_to_tsquery('simple', $1) AS query where "chat_id" = $2 and "deleted_at" is null and search_vector @@ query`

export const historySql = {
  /** newest page: [chat_id, limit + 1] */
  newest: `select ${columns} from "messages" where "chat_id" = $1 order by "seq" desc limit $2`,
  /** `before` / `before_seq`: [chat_id, seq, limit + 1] */
  before: `select ${columns} from "messages" where "chat_id" = $1 and "seq" < $2 order by "seq" desc limit $3`,
  /** `after` / `after_seq`: [chat_id, seq, limit + 1] */
  after: `select ${columns} from "messages" where "chat_id" = $1 and "seq" > $2 order by "seq" asc limit $3`,
  /** a cursor's seq: [chat_id, message_id, 1] */
  seqOf: `select "seq" from "messages" where "chat_id" = $1 and "message_id" = $2 limit $3`,
  /** search page (knex leaves out `offset 0`): [q, chat_id, limit]; ranks the newest SEARCH_WINDOW matches */
  search: `with "recent" as (select ${qualified}, ts_rank(search_vector, query) AS rank ${matches} order by "seq" desc limit ${SEARCH_WINDOW}) select * from "recent" order by "rank" desc, "seq" desc limit $3`,
  /** search total, capped at SEARCH_WINDOW: [q, chat_id] */
  searchCount: `select count(*) as "count" from (select 1 ${matches} order by "seq" desc limit ${SEARCH_WINDOW}) as "capped"`
}

// The SQL our history service sends (knex's output, printed with `.toSQL().toNative()`), shared by
// the bare Koa + pg baseline (bench/baseline-koa-pg.ts). Search: the baseline calls the same statement builder
// as ours (src/services/search/messages/message-search-store.ts).
import { messageColumns } from '../../src/services/messages/messages.schema'
const columns = messageColumns.map((c) => `"${c}"`).join(', ')

export const historySql = {
  /** newest page: [chat_id, limit + 1] */
  newest: `select ${columns} from "messages" where "chat_id" = $1 order by "seq" desc limit $2`,
  /** `before` / `before_seq`: [chat_id, seq, limit + 1] */
  before: `select ${columns} from "messages" where "chat_id" = $1 and "seq" < $2 order by "seq" desc limit $3`,
  /** `after` / `after_seq`: [chat_id, seq, limit + 1] */
  after: `select ${columns} from "messages" where "chat_id" = $1 and "seq" > $2 order by "seq" asc limit $3`,
  /** a cursor's seq: [chat_id, message_id, 1] */
  seqOf: `select "seq" from "messages" where "chat_id" = $1 and "message_id" = $2 limit $3`
}

// Baseline B4: bare Koa + node-postgres serving the same history and search SQL as the chat server
// (src/services/messages/messages.class.ts: the statements are in bench/lib/history-sql.ts; search: the
// statement builder of src/services/search/messages/message-search-store.ts, through knex), with the same column list, type parsers and JSON shape, but no Feathers, no authentication, no membership check, no
// validation and no hooks: the REST framework + database ceiling for our history and search routes.
//   PORT=3000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> npx tsx bench/baseline-koa-pg.ts
import Koa from 'koa'
import pg from 'pg'
import knex from 'knex'
import { historySql } from './lib/history-sql'
import { listenBacklog } from './lib/listen-backlog'
import { searchMessages } from '../src/services/search/messages/message-search-store'

// The same parsers as src/postgresql.ts: timestamps as ISO strings, bigint counts as numbers.
pg.types.setTypeParser(20, Number)
pg.types.setTypeParser(1184, (value: string) => new Date(value).toISOString())

// The same pool size as ours (DB_POOL_MAX, default 10); idle connections are kept, like knex's pool under load.
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
  idleTimeoutMillis: 0
})

const sql = historySql

const seqOf = async (chatId: string, messageId: string) => {
  const { rows } = await pool.query(sql.seqOf, [chatId, messageId, 1])
  if (!rows[0]) throw Object.assign(new Error('cursor must be a message of this chat'), { status: 400 })
  return rows[0].seq as number
}

const history = async (chatId: string, query: Record<string, string | string[] | undefined>) => {
  const limit = Math.min(Number(query.limit ?? 50), 100)
  let beforeSeq = query.before_seq !== undefined ? Number(query.before_seq) : undefined
  let afterSeq = query.after_seq !== undefined ? Number(query.after_seq) : undefined
  if (query.before) beforeSeq = await seqOf(chatId, String(query.before))
  if (query.after) afterSeq = await seqOf(chatId, String(query.after))
  const order = afterSeq !== undefined ? 'asc' : 'desc'
  const { rows } =
    afterSeq !== undefined
      ? await pool.query(sql.after, [chatId, afterSeq, limit + 1])
      : beforeSeq !== undefined
        ? await pool.query(sql.before, [chatId, beforeSeq, limit + 1])
        : await pool.query(sql.newest, [chatId, limit + 1])
  return { data: rows.slice(0, limit), limit, has_more: rows.length > limit, order }
}

// Search: the same statement builder as ours, on a knex instance over the same server (the tiers, highlights
// and paging are part of what the statement costs); no membership check, no hooks.
const db = knex({
  client: 'pg',
  connection: process.env.DATABASE_URL,
  pool: { min: 0, max: Number(process.env.DB_POOL_MAX ?? 10) }
})
const search = (chatId: string, query: Record<string, string | string[] | undefined>) =>
  searchMessages(
    db,
    { chatId },
    {
      q: String(query.q ?? ''),
      ...(query.$limit !== undefined ? { $limit: Number(query.$limit) } : {}),
      ...(query.$skip !== undefined ? { $skip: Number(query.$skip) } : {})
    }
  )

const app = new Koa()
app.use(async (ctx) => {
  const match = /^\/api\/chats\/([^/]+)\/messages(\/search)?$/.exec(ctx.path)
  if (ctx.method !== 'GET' || !match) {
    ctx.status = 404
    ctx.body = { name: 'NotFound', message: 'Not found', code: 404 }
    return
  }
  try {
    ctx.body = match[2] ? await search(match[1], ctx.query) : await history(match[1], ctx.query)
  } catch (error: any) {
    ctx.status = error.status ?? 500
    ctx.body = { message: error.message }
  }
})

// The same accept queue as our server (bench/lib/listen-backlog.ts).
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', listenBacklog())
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  void Promise.all([pool.end(), db.destroy()]).then(() => process.exit(0))
})

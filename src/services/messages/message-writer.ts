// Group commit for new messages. Every send needs the chat's next `seq`, which means updating the chat's row;
// one statement per message made concurrent senders queue on that row lock inside PostgreSQL (each commit woke
// every waiter) and cost ~900 µs of PostgreSQL CPU per message in the fan-out benchmark. Instead, one batch
// statement at a time per instance: while it runs, new messages queue here, and the next statement stores all
// of them (any number of chats) with one row update per chat and one commit. Idle, a message goes out at once
// (a batch of one); under load, batches grow by themselves. Seqs follow the order messages arrived here.
import { Unavailable } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { databaseError, isUniqueViolation } from '../../hooks/conflict-on-duplicate'
import { chatNotFound } from '../../hooks/authorization/require-chat-member'
import { messageColumns, type Message } from './messages.schema'

/** A message as the service builds it, before PostgreSQL gives it a `seq` and timestamps. */
export interface NewMessage {
  message_id: string
  chat_id: string
  sender_id: string
  sender_name: string | null
  sender_avatar: string | null
  content: string
  type: string
  reply_to: string | null
  file_id: string | null
  client_id: string | null
}

export interface Written {
  message: Message
  /** A retry of a message stored earlier (same sender, chat and `client_id`): the original, nothing new. */
  duplicate: boolean
}

interface Pending {
  row: NewMessage
  resolve: (written: Written) => void
  reject: (error: unknown) => void
}

const inputColumns = [
  'message_id',
  'chat_id',
  'sender_id',
  'sender_name',
  'sender_avatar',
  'content',
  'type',
  'reply_to',
  'file_id',
  'client_id'
] as const satisfies readonly (keyof NewMessage)[]

// The chats of a batch are locked in chat_id order first, so two instances' batches over the same chats
// cannot deadlock; seqs are then handed out per chat in arrival order (`i`).
// A send that repeats a `client_id` (a retry after a lost ack, or a client doing it on purpose) is answered
// here with the original, not inserted: otherwise it would make the whole batch hit the unique constraint and
// fall back to one statement per message, a throughput cliff any one client could trigger for everyone. So
// `fresh` leaves out a row whose (chat_id, sender_id, client_id) is already stored (looked up through that
// unique index) and, within the batch, every row after the first with the same key; only fresh rows are
// counted into `last_seq` and numbered, so seqs stay gap-free. Retries come back with `retry_id`: their own
// message_id, which was not stored, next to the original's columns. A duplicate committed by another instance
// after this statement's snapshot is not seen by the lookup and still raises the unique violation: the
// fallback (storeOne) answers it.
const BATCH_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(i int, ${inputColumns.map((c) => `${c} text`).join(', ')})
), locked AS (
  SELECT chat_id FROM chats WHERE chat_id IN (SELECT chat_id FROM input) ORDER BY chat_id FOR UPDATE
), ranked AS (
  SELECT input.*, row_number() OVER (PARTITION BY chat_id, sender_id, client_id ORDER BY i) AS nth FROM input
), fresh AS (
  SELECT * FROM ranked
  WHERE chat_id IN (SELECT chat_id FROM locked) AND (client_id IS NULL OR (nth = 1 AND NOT EXISTS (
      SELECT 1 FROM messages m
      WHERE m.chat_id = ranked.chat_id AND m.sender_id = ranked.sender_id AND m.client_id = ranked.client_id
    )))
), counts AS (
  SELECT chat_id, count(*) AS n FROM fresh GROUP BY chat_id
), bumped AS (
  UPDATE chats SET last_seq = chats.last_seq + counts.n, last_message_at = now(), updated_at = now()
  FROM counts WHERE chats.chat_id = counts.chat_id
  RETURNING chats.chat_id, chats.last_seq - counts.n AS base
), numbered AS (
  SELECT fresh.*, bumped.base + row_number() OVER (PARTITION BY fresh.chat_id ORDER BY fresh.i) AS seq
  FROM fresh JOIN bumped USING (chat_id)
), message AS (
  INSERT INTO messages (${inputColumns.join(', ')}, seq)
  SELECT ${inputColumns.join(', ')}, seq FROM numbered
  RETURNING ${messageColumns.join(', ')}
), read_own AS (
  UPDATE chat_participants SET last_read_seq = own.seq, last_delivered_seq = own.seq
  FROM (SELECT chat_id, sender_id, max(seq) AS seq FROM numbered GROUP BY chat_id, sender_id) own
  WHERE chat_participants.chat_id = own.chat_id AND chat_participants.user_id = own.sender_id
)
SELECT message.*, NULL::text AS retry_id FROM message
UNION ALL
SELECT m.*, ranked.message_id FROM ranked CROSS JOIN LATERAL (
  SELECT ${messageColumns.join(', ')} FROM messages
  WHERE messages.chat_id = ranked.chat_id AND messages.sender_id = ranked.sender_id
    AND messages.client_id = ranked.client_id
  LIMIT 1
) m
WHERE ranked.client_id IS NOT NULL
UNION ALL
SELECT message.*, ranked.message_id FROM ranked
JOIN message ON message.chat_id = ranked.chat_id AND message.sender_id = ranked.sender_id
  AND message.client_id = ranked.client_id
WHERE ranked.nth > 1`

const PREPARED_BATCH_SQL = BATCH_SQL.replace('?::jsonb', '$1::jsonb')

/** A row the batch statement answers: a stored message, or the original a retry (`retry_id`) repeats. */
type BatchRow = Message & { retry_id: string | null }

interface PreparingConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: BatchRow[] }>
}

// The same for one message, used when a batch statement fails: a reply to a message that is gone, text
// PostgreSQL refuses (NUL, a lone surrogate: 22P05/22021/22P02), a client_id another instance stored after
// the batch's snapshot… Each message of that batch is then stored on its own, so one bad message fails alone.
const SINGLE_SQL = `
WITH chat AS (
  UPDATE chats SET last_seq = last_seq + 1, last_message_at = now(), updated_at = now()
  WHERE chat_id = ? RETURNING last_seq
), message AS (
  INSERT INTO messages (${inputColumns.join(', ')}, seq)
  SELECT ${inputColumns.map(() => '?').join(', ')}, chat.last_seq FROM chat
  RETURNING ${messageColumns.join(', ')}
), read_own AS (
  UPDATE chat_participants SET last_read_seq = (SELECT seq FROM message), last_delivered_seq = (SELECT seq FROM message)
  WHERE chat_id = ? AND user_id = ?
)
SELECT * FROM message`

// SQLSTATE classes that describe the server, not the statement's data: connection exception, insufficient
// resources, operator intervention (shutdown, cancel), system error.
const SERVER_CLASSES = ['08', '53', '57', '58']
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])
const LOST_CONNECTION = /Connection terminated|Timeout acquiring a connection|connection is closed/i

/**
 * A batch that failed because the database is unreachable or did not answer in time fails as a whole (503):
 * its outcome is unknown (the statement may still commit, or may have committed before the connection
 * dropped), so storing each message again could store it twice; and retrying 500 messages one by one against
 * a database that is down only makes 500 more timeouts. The sender retries with its `client_id` instead.
 * Any other failure (data, constraint, even a bug in the statement) was rolled back with the statement, and
 * could be one message's fault: each message is then stored alone.
 */
const isUnavailable = (error: any): boolean => {
  if (error instanceof Unavailable || error?.name === 'KnexTimeoutError') return true
  const code = databaseError(error)?.code ?? error?.code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CLASSES.includes(code.slice(0, 2))))
    return true
  return LOST_CONNECTION.test(String(error?.message))
}

export class MessageWriter {
  private queue: Pending[] = []
  private writing = false
  /** Batch statements run so far (tests compare it with the number of messages). */
  batches = 0
  /** Messages stored one by one after a batch statement failed (one statement or more each). */
  alone = 0

  /**
   * @param db the database (read on every batch: tests and the CLI swap it)
   * @param committed runs after each commit, before any sender is answered (cache invalidation)
   * @param limits a batch holds at most `messages` messages and about `contentChars` characters of content
   *   (the statement's one JSON parameter stays a few MB at most); `answerMs`: see withinTime
   */
  constructor(
    private readonly db: () => Knex,
    private readonly committed: (messages: Message[]) => Promise<void>,
    private readonly limits = { messages: 500, contentChars: 1_000_000, answerMs: 10_000 }
  ) {}

  /** Stores a message; resolves once it is committed (or rejects with why it was not). */
  write(row: NewMessage): Promise<Written> {
    return new Promise<Written>((resolve, reject) => {
      this.queue.push({ row, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain() {
    this.writing = true
    try {
      while (this.queue.length) await this.flush(this.queue.splice(0, this.nextBatchSize()))
    } finally {
      this.writing = false
    }
  }

  /** How many queued messages the next batch takes: always at least one, then up to the limits. */
  private nextBatchSize() {
    let chars = this.queue[0].row.content.length
    let size = 1
    while (size < this.queue.length && size < this.limits.messages) {
      chars += this.queue[size].row.content.length
      if (chars > this.limits.contentChars) break
      size++
    }
    return size
  }

  private async flush(batch: Pending[]) {
    let outcomes: Array<Written | Error>
    try {
      outcomes = await this.withinTime(this.storeBatch(batch.map((p) => p.row)))
    } catch (error) {
      if (isUnavailable(error)) return batch.forEach((p) => p.reject(error))
      outcomes = await this.storeEachAlone(batch.map((p) => p.row))
    }
    const stored = outcomes.filter((o): o is Written => !(o instanceof Error) && !o.duplicate)
    if (stored.length) await this.committed(stored.map((w) => w.message)).catch(() => undefined)
    batch.forEach((p, i) => {
      const outcome = outcomes[i]
      if (outcome instanceof Error) p.reject(outcome)
      else p.resolve(outcome)
    })
  }

  /**
   * A database that hangs (connection open, no answer) must not hold every later send of the instance: after
   * `limits.answerMs` the batch's senders get 503 and the writer moves on. The statement may still commit later;
   * a client that retries with its `client_id` then gets the stored message, not a second one.
   */
  private withinTime<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Unavailable('The database did not answer in time, retry shortly')),
        this.limits.answerMs
      )
    })
    return Promise.race([work, late]).finally(() => clearTimeout(timer))
  }

  private async storeBatch(rows: NewMessage[]): Promise<Array<Written | Error>> {
    const answered = await this.runBatch(JSON.stringify(rows.map((row, i) => ({ ...row, i }))))
    const byId = new Map<string, Written>()
    for (const { retry_id, ...message } of answered)
      byId.set(retry_id ?? message.message_id, { message, duplicate: retry_id !== null })
    return rows.map((row) => byId.get(row.message_id) ?? chatNotFound())
  }

  /**
   * On a PostgreSQL server the batch statement is a named prepared statement, planned once per connection:
   * planning this CTE cost as much PostgreSQL CPU as running it (pgbench, one message per batch: 777 → 369 µs
   * per statement). knex cannot name statements, so it runs on a connection borrowed from knex's pool (knex
   * still discards the connection if it fails). Elsewhere (PGlite) it goes through knex.raw.
   */
  private async runBatch(input: string): Promise<BatchRow[]> {
    this.batches++
    const db = this.db()
    const client = db.client as {
      config: { client?: unknown }
      acquireConnection(): Promise<PreparingConnection>
      releaseConnection(connection: PreparingConnection): Promise<void>
    }
    if (client.config.client !== 'pg') return (await db.raw(BATCH_SQL, [input])).rows
    const connection = await client.acquireConnection()
    try {
      return (
        await connection.query({ name: 'insert_message_batch', text: PREPARED_BATCH_SQL, values: [input] })
      ).rows
    } finally {
      await client.releaseConnection(connection)
    }
  }

  /** In arrival order (seqs too); once the database is unavailable, the rest of the batch gets that error. */
  private async storeEachAlone(rows: NewMessage[]): Promise<Array<Written | Error>> {
    const outcomes: Array<Written | Error> = []
    let unavailable: Error | undefined
    for (const row of rows) {
      const outcome = unavailable ?? (await this.withinTime(this.storeOne(row)).catch((e: Error) => e))
      if (outcome instanceof Error && isUnavailable(outcome)) unavailable = outcome
      outcomes.push(outcome)
    }
    return outcomes
  }

  private async storeOne(row: NewMessage): Promise<Written> {
    this.alone++
    const db = this.db()
    try {
      const values = inputColumns.map((c) => row[c])
      const result = await db.raw(SINGLE_SQL, [row.chat_id, ...values, row.chat_id, row.sender_id])
      if (!result.rows[0]) throw chatNotFound()
      return { message: result.rows[0], duplicate: false }
    } catch (error) {
      if (row.client_id && isUniqueViolation(error)) {
        // A duplicate the batch statement could not see (committed concurrently): answer with the original.
        const original = await db('messages')
          .select(messageColumns)
          .where({ chat_id: row.chat_id, sender_id: row.sender_id, client_id: row.client_id })
          .first()
        if (original) return { message: original, duplicate: true }
      }
      throw error
    }
  }
}

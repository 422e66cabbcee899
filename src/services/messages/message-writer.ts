// Group commit for new messages. Every send needs the chat's next `seq`, which means updating the chat's row;
// one statement per message made concurrent senders queue on that row lock inside PostgreSQL (each commit woke
// every waiter) and cost ~900 µs of PostgreSQL CPU per message in the fan-out benchmark. Instead, one batch
// statement at a time per instance: while it runs, new messages queue here, and the next statement stores all
// of them (any number of chats) with one row update per chat and one commit. Idle, a message goes out at once
// (a batch of one); under load, batches grow by themselves. Seqs follow the order messages arrived here.
import { Unavailable } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { chatNotFound, isDatabaseUnavailable, isUniqueViolation } from '../../errors'
import { messageColumns, type Message } from './messages.schema'
import { hasDeadlines, runWithin } from './statement-deadline'
import {
  BATCH_SQL,
  PREPARED_BATCH_SQL,
  SINGLE_SQL,
  inputColumns,
  type BatchRow,
  type NewMessage
} from './message-statements'

export type { NewMessage } from './message-statements'

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

/**
 * A batch that failed because the database is unreachable or did not answer in time fails as a whole (503):
 * its outcome is unknown (the statement may still commit, or may have committed before the connection
 * dropped), so storing each message again could store it twice; and retrying 500 messages one by one against
 * a database that is down only makes 500 more timeouts. The sender retries with its `client_id` instead.
 * Any other failure (data, constraint, even a bug in the statement) was rolled back with the statement, and
 * could be one message's fault: each message is then stored alone.
 */
const isUnavailable = (error: any): boolean => error instanceof Unavailable || isDatabaseUnavailable(error)

export class MessageWriter {
  private queue: Pending[] = []
  private writing = false
  /** Batch statements run so far (tests compare it with the number of messages). */
  batches = 0
  /** Messages stored one by one after a batch statement failed (one statement or more each). */
  alone = 0

  /**
   * @param db the database (read on every batch: tests and the CLI swap it)
   * @param committed runs after each commit, before any sender is answered (cache invalidation), with the
   *   stored messages and the thread roots whose summary changed (each once, as last updated)
   * @param limits a batch holds at most `messages` messages and about `contentChars` characters of content
   *   (the statement's one JSON parameter stays a few MB at most); `answerMs`: the deadline of each
   *   statement (statement-deadline.ts): its senders then get 503 and the writer moves on. The statement is
   *   cancelled, but may have committed just before; a client that retries with its `client_id` then gets
   *   the stored message, not a second one.
   */
  constructor(
    private readonly db: () => Knex,
    private readonly committed: (messages: Message[], roots: Message[]) => Promise<void>,
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
    // Thread roots updated by this batch's statement(s), by id: the last update wins (the newest summary).
    let roots = new Map<string, Message>()
    try {
      outcomes = await this.storeBatch(
        batch.map((p) => p.row),
        roots
      )
    } catch (error) {
      if (isUnavailable(error)) return batch.forEach((p) => p.reject(error))
      roots = new Map()
      outcomes = await this.storeEachAlone(
        batch.map((p) => p.row),
        roots
      )
    }
    const stored = outcomes.filter((o): o is Written => !(o instanceof Error) && !o.duplicate)
    if (stored.length)
      await this.committed(
        stored.map((w) => w.message),
        [...roots.values()]
      ).catch(() => undefined)
    batch.forEach((p, i) => {
      const outcome = outcomes[i]
      if (outcome instanceof Error) p.reject(outcome)
      else p.resolve(outcome)
    })
  }

  private async storeBatch(rows: NewMessage[], roots: Map<string, Message>): Promise<Array<Written | Error>> {
    const answered = await this.runBatch(
      JSON.stringify(rows.map((row, i) => ({ ...row, mentions: row.mentions ?? [], i })))
    )
    const byId = new Map<string, Written>()
    for (const { retry_id, root_update, ...message } of answered) {
      if (root_update) roots.set(message.message_id, message)
      else byId.set(retry_id ?? message.message_id, { message, duplicate: retry_id !== null })
    }
    return rows.map((row) => byId.get(row.message_id) ?? chatNotFound())
  }

  /**
   * On a PostgreSQL server the batch statement is a named prepared statement, planned once per connection:
   * planning this CTE cost as much PostgreSQL CPU as running it (pgbench, one message per batch: 777 → 369 µs
   * per statement). knex cannot name statements, so it runs on a connection borrowed from knex's pool, with its
   * deadline (statement-deadline.ts). Elsewhere (PGlite) it goes through knex.raw.
   */
  private async runBatch(input: string): Promise<BatchRow[]> {
    this.batches++
    const db = this.db()
    if (!hasDeadlines(db)) return (await db.raw(BATCH_SQL, [input])).rows
    const statement = { name: 'insert_message_batch', text: PREPARED_BATCH_SQL, values: [input] }
    return runWithin<BatchRow>(db, statement, this.limits.answerMs)
  }

  /** In arrival order (seqs too); once the database is unavailable, the rest of the batch gets that error. */
  private async storeEachAlone(
    rows: NewMessage[],
    roots: Map<string, Message>
  ): Promise<Array<Written | Error>> {
    const outcomes: Array<Written | Error> = []
    let unavailable: Error | undefined
    for (const row of rows) {
      const outcome = unavailable ?? (await this.storeOne(row, roots).catch((e: Error) => e))
      if (outcome instanceof Error && isUnavailable(outcome)) unavailable = outcome
      outcomes.push(outcome)
    }
    return outcomes
  }

  private async storeOne(row: NewMessage, roots: Map<string, Message>): Promise<Written> {
    this.alone++
    const db = this.db()
    try {
      const values = inputColumns.map((c) =>
        c === 'mentions' ? JSON.stringify(row.mentions ?? []) : (row[c] ?? null)
      )
      const query = db.raw(SINGLE_SQL, [row.chat_id, ...values, row.chat_id, row.sender_id])
      const { sql, bindings } = query.toSQL().toNative()
      const answered: BatchRow[] = hasDeadlines(db)
        ? await runWithin<BatchRow>(db, { text: sql, values: [...bindings] }, this.limits.answerMs)
        : (await query).rows
      let stored: Message | undefined
      for (const { retry_id: _r, root_update, ...message } of answered) {
        if (root_update) roots.set(message.message_id, message)
        else stored = message
      }
      if (!stored) throw chatNotFound()
      return { message: stored, duplicate: false }
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

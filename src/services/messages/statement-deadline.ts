// A statement with a deadline, for the message writer: a database that hangs (connection open, no answer)
// must not hold every later send of the instance. pg's `query_timeout` answers the caller at the deadline;
// the statement is then cancelled on the server (`pg_cancel_backend` from another connection, itself bounded)
// and its connection is marked so that knex's pool destroys it instead of lending it again. A Promise.race
// (the earlier way) answered in time but left both the statement and its connection running.
// PGlite runs in this process: there is no network to stall and no second connection to cancel from, so
// statements there run without a deadline.
import { Unavailable } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { isPgClient } from '../../postgresql'

export interface Statement {
  /** Named statements are prepared once per connection (see message-writer.ts runBatch). */
  name?: string
  /** With `$1`-style placeholders. */
  text: string
  values: unknown[]
}

interface PgConnection {
  processID: number
  query(config: Statement & { query_timeout: number }): Promise<{ rows: any[] }>
  /** knex's own mark: a connection carrying it is destroyed by the pool, never lent again. */
  __knex__disposed?: unknown
}

interface PooledClient {
  acquireConnection(): Promise<PgConnection>
  releaseConnection(connection: PgConnection): Promise<void>
}

export const lateAnswer = () => new Unavailable('The database did not answer in time, retry shortly')

/** Whether statements on this database get a deadline (a PostgreSQL server through pg). */
export const hasDeadlines = isPgClient

/** Runs one statement on a connection of knex's pool; past `ms` it rejects with 503 and is cancelled. */
export const runWithin = async <Row>(db: Knex, statement: Statement, ms: number): Promise<Row[]> => {
  const client = db.client as unknown as PooledClient
  const connection = await client.acquireConnection()
  try {
    return (await connection.query({ ...statement, query_timeout: ms })).rows
  } catch (error) {
    if ((error as Error)?.message !== 'Query read timeout') throw error
    connection.__knex__disposed = error
    void db
      .raw('select pg_cancel_backend(?)', [connection.processID])
      .timeout(Math.min(ms, 1000))
      .catch(() => undefined)
    throw lateAnswer()
  } finally {
    await client.releaseConnection(connection)
  }
}

// Baseline B2, the persistence ceiling: pgbench running the message writer's own batch statement
// (src/services/messages/message-statements.ts BATCH_SQL, prepared), on the benchmark's database with its
// tables, indexes, triggers and the webhook outbox CTE, with `synchronous_commit` as the server has it.
// Each pgbench client writes batches of `batchSize` messages into its own chat (chats[client_id]); rows/s is
// what PostgreSQL on this box can persist through that statement with no Node process in the way.
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { BATCH_SQL } from '../../src/services/messages/message-statements'

const run = promisify(execFile)

export interface PgbenchResult {
  clients: number
  batchSize: number
  /** transactions (batch statements) per second, pgbench's figure without the connection time */
  tps: number
  messagesPerSec: number
  latencyMs: number
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`

/** The batch statement with its JSON input built in SQL: `batchSize` messages into the client's own chat. */
const script = (chats: { chatId: string; senderId: string }[], batchSize: number, contentChars: number) => {
  const array = (values: string[]) => `ARRAY[${values.map(literal).join(', ')}]`
  // :client_id once: pgbench's prepared mode numbers every occurrence of a variable as its own parameter.
  const input = `(SELECT jsonb_agg(jsonb_build_object(
    'i', g, 'message_id', 'B2' || md5(random()::text || clock_timestamp()::text || g),
    'chat_id', v.chats[v.k], 'sender_id', v.senders[v.k],
    'sender_name', 'bench', 'sender_avatar', NULL, 'content', repeat('x', ${contentChars}), 'type', 'text',
    'reply_to', NULL, 'file_id', NULL, 'client_id', NULL, 'thread_root_id', NULL, 'mentions', '[]'::jsonb))
    FROM generate_series(1, ${batchSize}) g, (SELECT ${array(chats.map((c) => c.chatId))} AS chats,
      ${array(chats.map((c) => c.senderId))} AS senders, :client_id + 1 AS k) v)`
  if (!BATCH_SQL.includes('?::jsonb')) throw new Error('B2: the batch statement no longer takes ?::jsonb')
  // pgbench reads `:name` as a variable even inside a literal: the timestamp format's `HH24:MI:SS` is spelled
  // as a concatenation of the same characters.
  const sql = BATCH_SQL.replace('?::jsonb', `${input}::jsonb`).replace(
    /HH24:MI:SS/g,
    `HH24' || ':' || 'MI' || ':' || 'SS`
  )
  if (/(?<!:):[A-Za-z_]/.test(sql.replace(':client_id', '')))
    throw new Error('B2: the statement has another :name')
  return `${sql};\n`
}

/**
 * Runs pgbench for `seconds` with `clients` clients (at most chats.length), each on its own chat.
 * Throws when pgbench is missing or fails: a ceiling that did not run must not read as one.
 */
export const pgbenchBatches = async (
  databaseUrl: string,
  chats: { chatId: string; senderId: string }[],
  {
    clients,
    batchSize,
    seconds,
    contentChars = 24
  }: { clients: number; batchSize: number; seconds: number; contentChars?: number }
): Promise<PgbenchResult> => {
  if (clients > chats.length) throw new Error(`B2: ${clients} clients need as many chats`)
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-b2-'))
  const file = path.join(dir, 'batch.sql')
  try {
    await fs.writeFile(file, script(chats.slice(0, clients), batchSize, contentChars))
    const url = new URL(databaseUrl)
    const { stdout } = await run(
      'pgbench',
      [
        '-n',
        '-M',
        'prepared',
        '-f',
        file,
        '-c',
        String(clients),
        '-j',
        String(Math.min(clients, 2)),
        '-T',
        String(seconds),
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username || 'postgres'),
        url.pathname.slice(1)
      ],
      { timeout: (seconds + 30) * 1000, maxBuffer: 1 << 20 }
    )
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1])
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0)
    if (!Number.isFinite(tps) || failed > 0)
      throw new Error(`B2: pgbench reported no tps or failures:\n${stdout}`)
    return { clients, batchSize, tps, messagesPerSec: tps * batchSize, latencyMs }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

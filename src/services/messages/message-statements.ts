// The statements of the message writer (message-writer.ts): one that stores a whole batch of queued sends, and
// one that stores a single message when a batch statement fails.
import { messageColumns, type Message } from './messages.schema'
import { threadMentionCtes, updatedRootRows } from './thread-mention-statements'
// Outgoing webhooks (SPEC §15): new messages enter the outbox in the same statement.
import { messageCreatedCte } from '../webhooks/outbox'

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
  /** Threads and mentions (thread-mention-statements.ts); absent: none. */
  thread_root_id?: string | null
  mentions?: string[]
}

export const inputColumns = [
  'message_id',
  'chat_id',
  'sender_id',
  'sender_name',
  'sender_avatar',
  'content',
  'type',
  'reply_to',
  'file_id',
  'client_id',
  'thread_root_id',
  'mentions'
] as const satisfies readonly (keyof NewMessage)[]

/** Every input column is text but `mentions` (a JSON array). */
const inputType = (column: string) => (column === 'mentions' ? 'jsonb' : 'text')

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
export const BATCH_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(i int, ${inputColumns.map((c) => `${c} ${inputType(c)}`).join(', ')})
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
)${threadMentionCtes}${messageCreatedCte}
SELECT message.*, NULL::text AS retry_id, false AS root_update FROM message
UNION ALL
${updatedRootRows}
UNION ALL
SELECT m.*, ranked.message_id, false FROM ranked CROSS JOIN LATERAL (
  SELECT ${messageColumns.join(', ')} FROM messages
  WHERE messages.chat_id = ranked.chat_id AND messages.sender_id = ranked.sender_id
    AND messages.client_id = ranked.client_id
  LIMIT 1
) m
WHERE ranked.client_id IS NOT NULL
UNION ALL
SELECT message.*, ranked.message_id, false FROM ranked
JOIN message ON message.chat_id = ranked.chat_id AND message.sender_id = ranked.sender_id
  AND message.client_id = ranked.client_id
WHERE ranked.nth > 1`

export const PREPARED_BATCH_SQL = BATCH_SQL.replace('?::jsonb', '$1::jsonb')

/**
 * A row the batch statement answers: a stored message, or the original a retry (`retry_id`) repeats, or a
 * thread root whose summary the statement updated (`root_update`).
 */
export type BatchRow = Message & { retry_id: string | null; root_update: boolean }

// The same for one message, used when a batch statement fails: a reply to a message that is gone, text
// PostgreSQL refuses (NUL, a lone surrogate: 22P05/22021/22P02), a client_id another instance stored after
// the batch's snapshot… Each message of that batch is then stored on its own, so one bad message fails alone.
export const SINGLE_SQL = `
WITH chat AS (
  UPDATE chats SET last_seq = last_seq + 1, last_message_at = now(), updated_at = now()
  WHERE chat_id = ? RETURNING last_seq
), message AS (
  INSERT INTO messages (${inputColumns.join(', ')}, seq)
  SELECT ${inputColumns.map((c) => `?::${inputType(c)}`).join(', ')}, chat.last_seq FROM chat
  RETURNING ${messageColumns.join(', ')}
), read_own AS (
  UPDATE chat_participants SET last_read_seq = (SELECT seq FROM message), last_delivered_seq = (SELECT seq FROM message)
  WHERE chat_id = ? AND user_id = ?
)${threadMentionCtes}${messageCreatedCte}
SELECT message.*, NULL::text AS retry_id, false AS root_update FROM message
UNION ALL
${updatedRootRows}`

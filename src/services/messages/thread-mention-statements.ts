// The thread and mention parts of the message writer's statements (message-statements.ts): common table
// expressions that run inside the same statement as the insert of the new messages (CTE `message`), so a
// root's summary and the mention rows commit with the replies, in one statement, or not at all.
import { messageColumns } from './messages.schema'
import { MAX_THREAD_PARTICIPANTS, MENTION_ALL } from './thread-mention.schema'

/** ISO 8601 in UTC with milliseconds, as the API shows every other timestamp. */
const iso = (expression: string) =>
  `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

// A root's new summary: `root` is the locked row as PostgreSQL re-reads it when a concurrent statement updated it
// first (READ COMMITTED re-evaluates SET on the newest version), so counts add up exactly under concurrency.
// Participants: this statement's repliers by their latest seq, then the earlier ones, each once, newest 10.
const SUMMARY = `jsonb_build_object(
    'reply_count', COALESCE((root.thread->>'reply_count')::int, 0) + t.n,
    'last_reply_at', GREATEST(root.thread->>'last_reply_at', ${iso('t.last_at')}),
    'participant_ids', (
      SELECT COALESCE(jsonb_agg(id ORDER BY pos), '[]'::jsonb) FROM (
        SELECT id, min(pos) AS pos FROM (
          SELECT e.id, e.pos FROM jsonb_array_elements_text(t.senders) WITH ORDINALITY AS e(id, pos)
          UNION ALL
          SELECT e.id, e.pos + 1000000
          FROM jsonb_array_elements_text(COALESCE(root.thread->'participant_ids', '[]'::jsonb))
            WITH ORDINALITY AS e(id, pos)
        ) ids GROUP BY id ORDER BY min(pos) LIMIT ${MAX_THREAD_PARTICIPANTS}
      ) recent
    ))`

/**
 * CTEs to append after the CTE `message` (the inserted rows, with `seq`): thread roots get their summary
 * (one row update per root per statement, however many replies), mentioned members get their rows. Both
 * select nothing for messages without a thread or mentions, so a plain send does no extra work.
 * Mention rows are joined to `chat_participants`: a member who left since the hook checked gets none; an
 * `all` (allowed by the hook) is expanded to the members at this moment, the sender excepted.
 */
export const threadMentionCtes = `
, thread_replies AS (
  SELECT thread_root_id, count(*)::int AS n, max(created_at) AS last_at,
    jsonb_agg(sender_id ORDER BY seq DESC) AS senders
  FROM message WHERE thread_root_id IS NOT NULL GROUP BY thread_root_id
), thread_roots AS (
  UPDATE messages AS root SET thread = ${SUMMARY}
  FROM thread_replies t WHERE root.message_id = t.thread_root_id
  RETURNING ${messageColumns.map((c) => `root.${c}`).join(', ')}
), mentioning AS (
  SELECT * FROM message WHERE mentions <> '[]'::jsonb
), mentioned AS (
  INSERT INTO message_mentions (message_id, chat_id, seq, user_id)
  SELECT m.message_id, m.chat_id, m.seq, p.user_id
  FROM mentioning m CROSS JOIN LATERAL jsonb_array_elements_text(m.mentions) AS u(id)
  JOIN chat_participants p ON p.chat_id = m.chat_id AND p.user_id = u.id
  WHERE p.user_id <> m.sender_id
  UNION
  SELECT m.message_id, m.chat_id, m.seq, p.user_id
  FROM mentioning m JOIN chat_participants p ON p.chat_id = m.chat_id AND p.user_id <> m.sender_id
  WHERE m.mentions @> '["${MENTION_ALL}"]'::jsonb
)`

/** The updated roots, as extra rows of the statement's answer (`root_update` true). */
export const updatedRootRows = `SELECT thread_roots.*, NULL::text AS retry_id, true AS root_update FROM thread_roots`

/**
 * A root's summary counted again from its replies that are not deleted (after one of them was deleted, inside
 * that transaction, the root locked first by its own statement so this one sees every reply committed before
 * the lock): the count, the latest reply's time, repliers by their latest reply, newest 10; null when no reply
 * is left. One binding: the root's message_id. Returns the root.
 */
export const RECOUNT_THREAD_SQL = `
UPDATE messages AS root SET thread = (
  SELECT CASE WHEN count(*) = 0 THEN NULL ELSE jsonb_build_object(
    'reply_count', count(*)::int,
    'last_reply_at', ${iso('max(r.created_at)')},
    'participant_ids', (
      SELECT COALESCE(jsonb_agg(sender_id ORDER BY last_seq DESC), '[]'::jsonb) FROM (
        SELECT sender_id, max(seq) AS last_seq FROM messages
        WHERE thread_root_id = root.message_id AND deleted_at IS NULL
        GROUP BY sender_id ORDER BY max(seq) DESC LIMIT ${MAX_THREAD_PARTICIPANTS}
      ) recent
    )) END
  FROM messages r WHERE r.thread_root_id = root.message_id AND r.deleted_at IS NULL
)
WHERE root.message_id = ?
RETURNING ${messageColumns.map((c) => `root.${c}`).join(', ')}`

// The delivery worker's two statements (dispatcher.ts): claiming the heads of due (webhook, chat) queues with
// a lease, and recording a run of delivered attempts. Kept apart from the worker's loop so each reads alone.

/** Deliveries of one (webhook, chat) claimed together and sent one after the other, in order. */
export const DELIVERIES_PER_CLAIM = 100

/**
 * An integer array as a PostgreSQL array literal (`{1,2,NULL}`), one bound parameter: knex would expand a JS
 * array into a list of parameters, and PGlite and node-postgres serialize arrays differently.
 */
export const intArray = (values: Array<number | string | null | undefined>) =>
  `{${values.map((v) => (v === null || v === undefined ? 'NULL' : String(Math.trunc(Number(v))))).join(',')}}`

// The head of each (webhook, chat) queue (its oldest pending delivery) is the only way into that queue: a
// worker must lock the head (SKIP LOCKED: a head another worker holds is passed over) and then leases the
// head and up to DELIVERIES_PER_CLAIM - 1 deliveries after it, which it sends one at a time in order. While
// the head is leased no other worker can take the queue; `claim` (a token per claiming statement) is the
// lease's owner, so a worker whose lease expired and was taken over records nothing.
export const CLAIM_SQL = `
WITH heads AS (
  SELECT DISTINCT ON (webhook_id, chat_id) id, webhook_id, next_attempt_at, locked_until
  FROM webhook_deliveries WHERE state = 'pending'
  ORDER BY webhook_id, chat_id, id
), ready AS (
  SELECT h.id FROM heads h JOIN webhooks w ON w.webhook_id = h.webhook_id AND w.active
  WHERE h.next_attempt_at <= now() AND (h.locked_until IS NULL OR h.locked_until < now())
  ORDER BY h.next_attempt_at, h.id
  LIMIT ?
), locked AS (
  SELECT d.id, d.webhook_id, d.chat_id FROM webhook_deliveries d
  WHERE d.id IN (SELECT id FROM ready) AND d.state = 'pending' AND d.next_attempt_at <= now()
    AND (d.locked_until IS NULL OR d.locked_until < now())
  FOR UPDATE SKIP LOCKED
), batch AS (
  SELECT b.id FROM locked l CROSS JOIN LATERAL (
    SELECT o.id FROM webhook_deliveries o
    WHERE o.webhook_id = l.webhook_id AND o.chat_id = l.chat_id AND o.state = 'pending' AND o.id >= l.id
    ORDER BY o.id LIMIT ${DELIVERIES_PER_CLAIM}
  ) b
)
UPDATE webhook_deliveries d
SET locked_until = now() + (?::int * interval '1 millisecond'), claim = ?
FROM batch, webhooks w
WHERE d.id = batch.id AND w.webhook_id = d.webhook_id
RETURNING d.id, d.webhook_id, d.chat_id, d.event, d.msg_id, d.payload, d.attempts, d.created_at, w.url, w.secret`

// Delivered attempts, a run of them in one statement: the deliveries marked, their log rows, the webhook's
// failure run reset, and the lease of the claim's remaining deliveries renewed (only while the webhook is
// still active with the same URL: otherwise the worker stops that queue and gives the rest back). A run is
// recorded at the end of the claim, before a failure is, when a third of the lease has passed, and when a
// webhook changed on this instance; a crash before that sends the run again (at least once).
export const DELIVERED_SQL = `
WITH input AS (
  SELECT * FROM unnest(?::bigint[], ?::int[], ?::int[]) AS t(id, status_code, duration_ms)
), done AS (
  UPDATE webhook_deliveries d SET state = 'delivered', attempts = d.attempts + 1, locked_until = NULL,
    claim = NULL, finished_at = now()
  FROM input i
  WHERE d.id = i.id AND d.claim = ? AND d.state = 'pending'
  RETURNING d.id, d.webhook_id, d.attempts, i.status_code, i.duration_ms
), logged AS (
  INSERT INTO webhook_attempts (delivery_id, webhook_id, attempt, status_code, duration_ms, error, ok)
  SELECT id, webhook_id, attempts, status_code, duration_ms, NULL, true FROM done
), reset AS (
  UPDATE webhooks SET consecutive_failures = 0
  WHERE webhook_id = ? AND consecutive_failures > 0 AND EXISTS (SELECT 1 FROM done)
), renewed AS (
  UPDATE webhook_deliveries SET locked_until = now() + (?::int * interval '1 millisecond')
  WHERE id = ANY(?::bigint[]) AND claim = ? AND state = 'pending' AND EXISTS (SELECT 1 FROM done)
    AND EXISTS (SELECT 1 FROM webhooks WHERE webhook_id = ? AND active AND url = ?)
  RETURNING id
)
SELECT (SELECT count(*)::int FROM done) AS done, (SELECT count(*)::int FROM renewed) AS renewed`

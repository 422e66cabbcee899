// The transactional outbox of outgoing webhooks (SPEC §15). An event is enqueued by ONE `INSERT … SELECT`
// from the active webhooks that want it (the chat's own and the system-wide ones), inside the transaction
// that writes the event: it is delivered if and only if the write commits, and a chat without webhooks costs
// that statement and nothing more. The message writer's batch statement does the same in a CTE
// (`messageCreatedCte`), so a new message costs no extra statement at all.
import type { Knex } from 'knex'

export const webhookEvents = [
  'message.created',
  'message.updated',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'member.added',
  'member.removed'
] as const
export type WebhookEvent = (typeof webhookEvents)[number]

/** The active webhooks `alias` that want `event` for the chat `chatIdSql` (an SQL expression). */
const matching = (alias: string, chatIdSql: string, eventSql: string) =>
  `${alias}.active AND (${alias}.chat_id = ${chatIdSql} OR ${alias}.chat_id IS NULL) AND ${eventSql} = ANY(${alias}.events)`

/**
 * Enqueues event `event` of chat `chatId` with each of `payloads` (what the chat's members may see, in the
 * form they receive it) for every matching active webhook, inside `trx` (or alone on `db`). One statement;
 * answers how many deliveries it queued (0: nobody listens, nothing to wake).
 */
export const enqueueWebhookEvent = async (
  trx: Knex | Knex.Transaction,
  event: WebhookEvent,
  chatId: string,
  payloads: object | object[]
): Promise<number> => {
  const list = Array.isArray(payloads) ? payloads : [payloads]
  if (!list.length) return 0
  const result = await trx.raw(
    `INSERT INTO webhook_deliveries (webhook_id, chat_id, event, payload)
     SELECT w.webhook_id, ?::text, ?::text, p.value
     FROM webhooks w CROSS JOIN jsonb_array_elements(?::jsonb) WITH ORDINALITY AS p(value, n)
     WHERE ${matching('w', '?::text', '?::text')}
     ORDER BY p.n, w.webhook_id
     RETURNING id`,
    [chatId, event, JSON.stringify(list), chatId, event]
  )
  return result.rows?.length ?? 0
}

/**
 * A CTE for the message writer's statements (message-statements.ts): every row of its `message` CTE (the
 * stored messages, in the form members receive them) becomes a `message.created` delivery for each matching
 * webhook. Data-modifying CTEs run whether or not the final SELECT reads them.
 */
export const messageCreatedCte = `, webhook_outbox AS (
  INSERT INTO webhook_deliveries (webhook_id, chat_id, event, payload)
  SELECT w.webhook_id, message.chat_id, 'message.created', to_jsonb(message)
  FROM message JOIN webhooks w ON ${matching('w', 'message.chat_id', `'message.created'`)}
  ORDER BY message.seq
)`

/** `member.added` for each of `userIds`, as members receive it (the member row with name and avatar). */
export const enqueueMemberAdded = async (
  trx: Knex.Transaction,
  groupId: string,
  chatId: string,
  userIds: string[]
): Promise<number> => {
  if (!userIds.length) return 0
  const result = await trx.raw(
    `INSERT INTO webhook_deliveries (webhook_id, chat_id, event, payload)
     SELECT w.webhook_id, ?::text, 'member.added', jsonb_build_object(
       'group_id', m.group_id, 'chat_id', ?::text, 'user_id', m.user_id, 'role', m.role,
       'joined_at', m.joined_at, 'name', u.name, 'avatar_url', u.avatar_url)
     FROM webhooks w
     CROSS JOIN group_members m JOIN users u ON u.user_id = m.user_id
     WHERE m.group_id = ? AND m.user_id IN (SELECT jsonb_array_elements_text(?::jsonb)) AND ${matching('w', '?::text', `'member.added'`)}
     ORDER BY m.id, w.webhook_id
     RETURNING id`,
    [chatId, chatId, groupId, JSON.stringify(userIds), chatId]
  )
  return result.rows?.length ?? 0
}

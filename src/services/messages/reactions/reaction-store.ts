// Reaction queries. Each change runs in one transaction that first locks the message row: concurrent
// reactions to one message queue there, so the 50-emoji limit and the counts kept on the row (`reactions`,
// recomputed from `message_reactions` under the lock) are exact. A delete of the message takes the same lock.
import { BadRequest } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { messageNotFound } from '../../../errors'
import { messageColumns, type Message } from '../messages.schema'
// Outgoing webhooks (SPEC §15): a reaction enters the outbox in its own transaction.
import { enqueueWebhookEvent, type WebhookEvent } from '../../webhooks/outbox'

export const MAX_DISTINCT_EMOJI = 50
export const REACTION_USERS_SHOWN = 50

export interface StoredReaction {
  emoji: string
  count: number
}

export interface ReactionChange {
  /** Whether a row was inserted or deleted (false: it was already so). */
  changed: boolean
  /** The message as it is now (new counts), for caches. */
  message: Message
  /** The emoji's count after the change. */
  count: number
}

const AGGREGATE = `coalesce((
  SELECT jsonb_agg(jsonb_build_object('emoji', emoji, 'count', n) ORDER BY first)
  FROM (SELECT emoji, count(*)::int AS n, min(id) AS first FROM message_reactions
        WHERE message_id = messages.message_id GROUP BY emoji) s
), '[]'::jsonb)`

const lockMessage = async (trx: Knex.Transaction, messageId: string) => {
  const row = await trx('messages')
    .where({ message_id: messageId })
    .whereNull('deleted_at')
    .forUpdate()
    .first('message_id', 'reactions')
  if (!row) throw messageNotFound()
  return row as { message_id: string; reactions: StoredReaction[] }
}

const recount = async (trx: Knex.Transaction, messageId: string): Promise<Message> => {
  const [message] = await trx('messages')
    .where({ message_id: messageId })
    .update({ reactions: trx.raw(AGGREGATE) })
    .returning(messageColumns)
  return message
}

const countOf = (message: Message, emoji: string) =>
  (message.reactions as unknown as StoredReaction[]).find((r) => r.emoji === emoji)?.count ?? 0

/** The reaction event (the same shape members receive) into the webhook outbox. */
const enqueueReaction = (
  trx: Knex.Transaction,
  event: WebhookEvent,
  message: Message,
  userId: string,
  emoji: string
) =>
  enqueueWebhookEvent(trx, event, message.chat_id, {
    chat_id: message.chat_id,
    message_id: message.message_id,
    emoji,
    user_id: userId,
    count: countOf(message, emoji)
  })

export const addReaction = (db: Knex, messageId: string, userId: string, emoji: string) =>
  db.transaction(async (trx): Promise<ReactionChange> => {
    const locked = await lockMessage(trx, messageId)
    const known = locked.reactions.some((r) => r.emoji === emoji)
    if (!known && locked.reactions.length >= MAX_DISTINCT_EMOJI) {
      const message = `has reached the limit of ${MAX_DISTINCT_EMOJI} different emoji on this message`
      throw new BadRequest(`Invalid data: emoji ${message}`, [{ instancePath: '/emoji', message }])
    }
    const inserted = await trx('message_reactions')
      .insert({ message_id: messageId, user_id: userId, emoji })
      .onConflict(['message_id', 'emoji', 'user_id'])
      .ignore()
      .returning('id')
    const message = inserted.length
      ? await recount(trx, messageId)
      : await trx('messages').where({ message_id: messageId }).first(messageColumns)
    if (inserted.length) await enqueueReaction(trx, 'reaction.added', message, userId, emoji)
    return { changed: inserted.length > 0, message, count: countOf(message, emoji) }
  })

export const removeReaction = (db: Knex, messageId: string, userId: string, emoji: string) =>
  db.transaction(async (trx): Promise<ReactionChange> => {
    await lockMessage(trx, messageId)
    // RETURNING, not the affected-row count: PGlite's knex client reports no count for a delete.
    const deleted = await trx('message_reactions')
      .where({ message_id: messageId, user_id: userId, emoji })
      .delete()
      .returning('id')
    const message = deleted.length
      ? await recount(trx, messageId)
      : await trx('messages').where({ message_id: messageId }).first(messageColumns)
    if (deleted.length) await enqueueReaction(trx, 'reaction.removed', message, userId, emoji)
    return { changed: deleted.length > 0, message, count: countOf(message, emoji) }
  })

/** `GET /api/messages/:message_id/reactions`: every emoji with its count, first users and `me`. */
export const listReactions = async (db: Knex, messageId: string, userId: string | undefined) => {
  const rows = await db('message_reactions')
    .where({ message_id: messageId })
    .groupBy('emoji')
    .orderByRaw('min(id)')
    .select(
      'emoji',
      db.raw('count(*)::int AS count'),
      db.raw(`(array_agg(user_id ORDER BY id))[1:${REACTION_USERS_SHOWN}] AS user_ids`),
      db.raw('coalesce(bool_or(user_id = ?), false) AS me', [userId ?? ''])
    )
  return rows as Array<{ emoji: string; count: number; user_ids: string[]; me: boolean }>
}

/** The emoji `userId` reacted with on each of these messages: one query. */
export const myEmojiOn = async (db: Knex, userId: string, messageIds: string[]) => {
  const mine = new Map<string, Set<string>>()
  if (!messageIds.length) return mine
  const rows = await db('message_reactions')
    .where('user_id', userId)
    .whereIn('message_id', messageIds)
    .select('message_id', 'emoji')
  for (const r of rows) mine.set(r.message_id, (mine.get(r.message_id) ?? new Set()).add(r.emoji))
  return mine
}

/** Reactors of one message and their emoji (for per-receiver `patched` events). */
export const reactorsOf = async (db: Knex, messageId: string) => {
  const byUser = new Map<string, Set<string>>()
  const rows = await db('message_reactions').where({ message_id: messageId }).select('user_id', 'emoji')
  for (const r of rows) byUser.set(r.user_id, (byUser.get(r.user_id) ?? new Set()).add(r.emoji))
  return byUser
}

/** A message's reactions as `mine` sees them. */
export const viewReactions = <M extends { reactions: unknown }>(message: M, mine?: Set<string>): M => ({
  ...message,
  reactions: ((message.reactions ?? []) as StoredReaction[]).map((r) => ({
    emoji: r.emoji,
    count: r.count,
    me: mine?.has(r.emoji) ?? false
  }))
})

/**
 * Messages as the caller sees them: `me` on each reaction, with one query for the whole page, and none when
 * no message on it has reactions (the usual page).
 */
export const withMyReactions = async <M extends { message_id: string; reactions: unknown }>(
  db: Knex,
  userId: string | undefined,
  messages: M[]
): Promise<M[]> => {
  const reacted = messages.filter((m) => Array.isArray(m.reactions) && m.reactions.length > 0)
  if (!reacted.length) return messages
  const mine = userId
    ? await myEmojiOn(
        db,
        userId,
        reacted.map((m) => m.message_id)
      )
    : new Map()
  return messages.map((m) =>
    Array.isArray(m.reactions) && m.reactions.length ? viewReactions(m, mine.get(m.message_id)) : m
  )
}

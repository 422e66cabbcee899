// Reading incoming webhooks: by id (management) and by secret (posting). The secret is looked up by its
// SHA-256, so the comparison happens in an index, not in a timing-sensitive string compare.
import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import { hashToken } from '../../auth/refresh-tokens'
import type { IncomingWebhook } from './incoming-webhooks.schema'

export const INCOMING_TOKEN_PREFIX = 'fci_'

/** A new secret: 32 random bytes, with a prefix that says what it is (secret scanners look for such). */
export const newIncomingToken = () => `${INCOMING_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`

export const incomingWebhookColumns = [
  'incoming_webhook_id',
  'chat_id',
  'group_id',
  'name',
  'user_id',
  'created_by',
  'created_at'
] as const

export const incomingWebhookById = (db: Knex, id: string): Promise<IncomingWebhook | undefined> =>
  db('incoming_webhooks')
    .where({ incoming_webhook_id: id })
    .first(...incomingWebhookColumns)

/**
 * The webhook a secret belongs to, if its integration is still a member of the chat (an admin who removed
 * the integration from the group has switched the hook off, like revoking it).
 */
export const incomingWebhookByToken = (db: Knex, token: string): Promise<IncomingWebhook | undefined> =>
  db('incoming_webhooks as w')
    .join('chat_participants as p', function () {
      this.on('p.chat_id', 'w.chat_id').andOn('p.user_id', 'w.user_id')
    })
    .where('w.token_hash', hashToken(token))
    .first(...incomingWebhookColumns.map((c) => `w.${c}`))

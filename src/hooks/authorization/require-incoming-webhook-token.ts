// `POST /api/hooks/:token`: the secret in the URL is the credential. It names the webhook and its
// integration, which then acts as the caller (`params.user`), so every rule for a member's message applies
// to it (membership, mutes, the per-user message limit). An unknown, revoked or switched-off secret gets one
// 404, whatever the reason (a banned integration included).
import type { HookContext } from '../../declarations'
import { incomingWebhookNotFound } from '../../errors'
import {
  INCOMING_TOKEN_PREFIX,
  incomingWebhookByToken
} from '../../services/incoming-webhooks/incoming-webhook-store'
import type { IncomingWebhook } from '../../services/incoming-webhooks/incoming-webhooks.schema'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The incoming webhook whose secret the request presented. */
    incomingWebhook?: IncomingWebhook
  }
}

/** Shorter than any secret we issue, or a different kind of token: refused without a lookup. */
const plausible = (token: string) => token.startsWith(INCOMING_TOKEN_PREFIX) && token.length <= 100

export const requireIncomingWebhookToken = async (context: HookContext) => {
  const token = String(context.params.route?.token ?? '')
  const db = context.app.get('postgresqlClient')
  const hook = plausible(token) ? await incomingWebhookByToken(db, token) : undefined
  if (!hook) throw incomingWebhookNotFound()
  const accounts = context.app.get('accounts')
  let user = await accounts.user(hook.user_id)
  if (!user) {
    const { password_hash: _hash, ...row } = await db('users').where({ user_id: hook.user_id }).first()
    await accounts.rememberUser(row)
    user = row as NonNullable<typeof user>
  }
  // A banned integration (admin CLI) posts nothing, like a banned person.
  if (user.banned_at) throw incomingWebhookNotFound()
  context.params.incomingWebhook = hook
  context.params.user = user
}

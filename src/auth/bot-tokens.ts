// Bot API tokens (SPEC §15): `fcb_` + 32 random bytes (base64url), stored as a SHA-256 hash in `bot_tokens`.
// Each token is a session of its bot: a refresh-token family whose one row holds the hash of a random value
// nobody is given (so `api/auth/refresh` never accepts anything for it). The session check, the identity
// cache, logout's revocation (`ended`, synced to every instance: sockets detached, identities dropped) and
// the resync after a lost event (realtime/resync.ts) all treat a bot token like a login's access token.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { newId } from '../ids'
import { hashToken } from './refresh-tokens'

export const BOT_TOKEN_PREFIX = 'fcb_'

export const isBotToken = (token: unknown): token is string =>
  typeof token === 'string' && token.startsWith(BOT_TOKEN_PREFIX)

export const newBotToken = () => BOT_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url')

/** A bot session does not expire by time; rotating or deleting the bot ends it. */
const BOT_SESSION_YEARS = 100

/** How long a bot token's (unsigned) payload says it lasts, in seconds since the epoch: a year ahead. */
export const botTokenExp = () => Math.floor(Date.now() / 1000) + 365 * 24 * 3600

export interface BotSession {
  token: string
  sessionId: string
}

/** A new token and the session behind it, written in `trx` (the caller stores or swaps the `bot_tokens` row). */
export const startBotSession = async (trx: Knex | Knex.Transaction, botId: string): Promise<BotSession> => {
  const token = newBotToken()
  const sessionId = newId()
  const expires = new Date()
  expires.setUTCFullYear(expires.getUTCFullYear() + BOT_SESSION_YEARS)
  await trx('refresh_tokens').insert({
    user_id: botId,
    token_hash: hashToken(crypto.randomBytes(32).toString('base64url')), // matches no token anyone holds
    family_id: sessionId,
    expires_at: expires.toISOString()
  })
  return { token, sessionId }
}

/** The bot and session a token belongs to, if it is a current bot token. */
export const findBotToken = async (
  db: Knex,
  token: string
): Promise<{ bot_id: string; session_id: string } | undefined> =>
  db('bot_tokens')
    .where({ token_hash: hashToken(token) })
    .first('bot_id', 'session_id')

// Bot users (SPEC §15): a bot and the integration behind an incoming webhook are both rows of `users` marked
// `is_bot`, owned by the person who made them, with a synthetic address that cannot receive mail and the
// hash of a password nobody is given. One place writes them, so the two kinds cannot drift apart.
import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { hashPassword } from '../../auth/passwords'
import type { User } from './users.schema'

/** The hash of a random password nobody is given. bcrypt is slow: make it before opening a transaction. */
export const unusablePasswordHash = (app: Application) =>
  hashPassword(app, randomBytes(32).toString('base64url'))

export interface BotUser {
  userId: string
  name: string
  ownerId: string | null
  passwordHash: string
  /** `bot`: an API-token bot (`@bots.invalid`); `integration`: an incoming webhook's (`@integrations.invalid`). */
  kind: 'bot' | 'integration'
}

/** Inserts the bot user in `trx` and answers its row. */
export const insertBotUser = async (trx: Knex | Knex.Transaction, bot: BotUser): Promise<User> => {
  const domain = bot.kind === 'bot' ? 'bots.invalid' : 'integrations.invalid'
  const [row] = await trx('users')
    .insert({
      user_id: bot.userId,
      email: `${bot.userId.toLowerCase()}@${domain}`,
      name: bot.name,
      password_hash: bot.passwordHash,
      status: 'offline',
      is_bot: true,
      bot_owner_id: bot.ownerId
    })
    .returning('*')
  return row
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
import type { Id, Params } from '@feathersjs/feathers'
import { Forbidden, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { newId } from '../../ids'
import { cleanName } from '../../text'
import { offsetPage } from '../../validators'
import { hashToken } from '../../auth/refresh-tokens'
import { startBotSession } from '../../auth/bot-tokens'
import { publicUserSchema, type User } from '../users/users.schema'
import { insertBotUser, unusablePasswordHash } from '../users/bot-accounts'
import type { Bot, BotData, BotPage, BotQuery, BotWithToken } from './bots.schema'

export type { Bot, BotData, BotPage, BotQuery, BotWithToken }

const publicFields = Object.keys(publicUserSchema.properties).filter((field) => field !== 'email')

/** A bot as its owner sees it: the public user fields, never the (synthetic) email. */
export const botView = (row: Partial<User>): Bot =>
  Object.fromEntries(publicFields.map((field) => [field, (row as any)[field] ?? null])) as Bot

/** The bots `ownerId` owns and has not deleted (a deleted bot has no token row). */
const ownedBots = (db: Knex, ownerId: string) =>
  db('users as u').join('bot_tokens as t', 't.bot_id', 'u.user_id').where('u.bot_owner_id', ownerId)

/** `api/bots`: the bots I own. Only the owner ever finds a bot here; anyone else gets 404. */
export class BotService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: Params<BotQuery>): Promise<BotPage> {
    const limit = params.query?.$limit ?? 50
    const skip = params.query?.$skip ?? 0
    const rows = await ownedBots(this.db, params.user!.user_id)
      .orderBy('u.id', 'asc')
      .limit(limit + 1)
      .offset(skip)
      .select('u.*')
    return offsetPage(rows.map(botView), limit, skip)
  }

  async create(data: BotData, params: Params): Promise<BotWithToken> {
    const ownerId: string = params.user!.user_id
    const max = this.app.get('bots').maxPerOwner
    const botId = newId()
    // Nobody knows this password, and the local strategy refuses bots anyway.
    const passwordHash = await unusablePasswordHash(this.app)
    return this.db.transaction(async (trx) => {
      // Lock the owner's row: two concurrent creations cannot both pass the limit.
      await trx('users').where({ user_id: ownerId }).forUpdate().first('user_id')
      const [{ count }] = await ownedBots(trx, ownerId).count({ count: '*' })
      if (Number(count) >= max) throw new Forbidden(`You already own ${max} bots, the most allowed`)
      const row = await insertBotUser(trx, {
        userId: botId,
        name: cleanName(data.name),
        ownerId,
        passwordHash,
        kind: 'bot'
      })
      const session = await startBotSession(trx, botId)
      await trx('bot_tokens').insert({
        bot_id: botId,
        token_hash: hashToken(session.token),
        session_id: session.sessionId
      })
      return { bot: botView(row), token: session.token }
    })
  }

  /** The bot `botId` if `ownerId` owns it; 404 otherwise (another's bot, a person, a deleted bot). */
  async owned(botId: string, ownerId: string): Promise<User & { session_id: string }> {
    const row = await ownedBots(this.db, ownerId).where('u.user_id', botId).first('u.*', 't.session_id')
    if (!row) throw new NotFound('Bot not found')
    return row
  }

  /**
   * Deletes a bot: its token row goes and the bot user is banned (its messages stay, its name still shows on
   * them). The ban revokes its session, so its token stops working and its sockets close, on every instance.
   */
  async remove(id: Id, params: Params): Promise<Bot> {
    const bot = await this.owned(String(id), params.user!.user_id)
    const removed = await this.db('bot_tokens').where({ bot_id: bot.user_id }).del()
    if (!removed) throw new NotFound('Bot not found') // deleted concurrently
    await this.app.service('api/users').patch(bot.user_id, { banned_at: new Date().toISOString() })
    return botView(bot)
  }

  /** A new token for the bot; the old one's session is revoked at once (every instance). */
  async rotate(botId: string, ownerId: string): Promise<BotWithToken> {
    const bot = await this.owned(botId, ownerId)
    const { session, previous } = await this.db.transaction(async (trx) => {
      const current = await trx('bot_tokens').where({ bot_id: bot.user_id }).forUpdate().first('session_id')
      if (!current) throw new NotFound('Bot not found')
      const session = await startBotSession(trx, bot.user_id)
      await trx('bot_tokens')
        .where({ bot_id: bot.user_id })
        .update({
          token_hash: hashToken(session.token),
          session_id: session.sessionId,
          rotated_at: trx.fn.now()
        })
      await trx('refresh_tokens')
        .where({ family_id: current.session_id })
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() })
      return { session, previous: current.session_id as string }
    })
    // Announces the old session's end (synced): identities dropped, its sockets detached, on every instance.
    await this.app.get('refreshTokens').revokeFamily(previous)
    return { bot: botView(bot), token: session.token }
  }
}

/** `api/bots/:bot_id/token`: rotate a bot's token. */
export class BotTokenService {
  constructor(private readonly app: Application) {}

  async create(_data: unknown, params: Params): Promise<BotWithToken> {
    return new BotService(this.app).rotate(String(params.route!.bot_id), params.user!.user_id)
  }
}

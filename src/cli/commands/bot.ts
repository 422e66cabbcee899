// `bot list [--owner]|revoke` (SPEC §15): bots and their tokens, for administrators. `revoke` ends a bot's
// token at once (its session is revoked: REST 401, sockets detached on every instance through Redis); the
// owner gets a new one with `POST /api/bots/:bot_id/token`.
import type { Command } from 'commander'
import { appCommand } from '../boot'
import { CliError, integer, printJson, printRecord, printRows, type OutputOptions } from '../output'
import { resolveUser } from './user'

const botFields = ['user_id', 'name', 'owner_id', 'token', 'banned_at', 'created_at']

export const registerBotCommands = (program: Command) => {
  const bot = program.command('bot').description('manage bot accounts and their tokens')

  appCommand(
    bot
      .command('list')
      .description('list bots, oldest first, with their owner and whether their token is live')
      .option('--owner <user>', 'only the bots of this owner (user_id or email)')
      .option('--limit <n>', 'page size', integer, 50)
      .option('--offset <n>', 'bots to skip', integer, 0),
    async (app, options: OutputOptions & { owner?: string; limit: number; offset: number }) => {
      const db = app.get('postgresqlClient')
      const query = db('users as u')
        .leftJoin('bot_tokens as t', 't.bot_id', 'u.user_id')
        .where('u.is_bot', true)
        .orderBy('u.id', 'asc')
        .limit(options.limit)
        .offset(options.offset)
        .select(
          'u.user_id',
          'u.name',
          'u.bot_owner_id as owner_id',
          'u.banned_at',
          'u.created_at',
          't.session_id',
          db.raw(
            `EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = t.session_id AND r.revoked_at IS NULL
               AND r.expires_at > now()) AS live`
          )
        )
      if (options.owner) query.where('u.bot_owner_id', (await resolveUser(app, options.owner)).user_id)
      const rows = (await query).map(({ session_id, live, ...row }: any) => ({
        ...row,
        token: !session_id ? 'deleted' : live ? 'live' : 'revoked'
      }))
      printRows(options, rows, botFields)
    }
  )

  appCommand(
    bot.command('revoke <bot_id>').description("end a bot's token at once (the owner can rotate a new one)"),
    async (app, botId: string, options: OutputOptions) => {
      const db = app.get('postgresqlClient')
      const row = await db('users as u')
        .join('bot_tokens as t', 't.bot_id', 'u.user_id')
        .where({ 'u.user_id': botId, 'u.is_bot': true })
        .first('u.user_id', 'u.name', 'u.bot_owner_id as owner_id', 't.session_id')
      if (!row) throw new CliError(`bot not found: ${botId}`)
      await app.get('refreshTokens').revokeFamily(row.session_id)
      const record = { user_id: row.user_id, name: row.name, owner_id: row.owner_id, token: 'revoked' }
      if (options.json) printJson(record)
      else printRecord(record)
    }
  )
}

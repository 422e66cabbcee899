// `user create|list|search|show|ban|unban|reset-password`: accounts, through `api/users` and
// `api/auth/register` as internal calls (same validation and events as the API, no authorization).
import type { Command } from 'commander'
import type { Application } from '../../declarations'
import type { KnexAdapterParams } from '@feathersjs/knex'
import type { User, UserPage, UserPatch } from '../../services/users/users.schema'
import { recordAudit } from '../../audit/audit-log'
import { checkPasswordPolicy } from '../../auth/password-policy'
import { chatCountOf } from '../../services/chats/membership'
import { appCommand } from '../boot'
import { CliError, integer, pick, printJson, printRecord, printRows, type OutputOptions } from '../output'

export const userFields = ['user_id', 'name', 'email', 'status', 'banned_at', 'created_at']

/** A user by `user_id` or by email (any casing). */
export const resolveUser = async (app: Application, ref: string): Promise<User> => {
  const users = app.service('api/users')
  if (ref.includes('@')) {
    const page: UserPage = await users.find({ query: { email: ref.trim().toLowerCase(), $limit: 1 } })
    if (page.data[0]) return page.data[0]
  } else {
    const found = await users.get(ref).catch((error: any) => {
      if (error?.code === 404) return undefined
      throw error
    })
    if (found) return found
  }
  throw new CliError(`user not found: ${ref}`)
}

const showUser = async (app: Application, user: User, options: OutputOptions) => {
  const fields = [...userFields, 'last_seen', 'updated_at']
  const record = {
    ...pick(user, fields),
    chat_count: await chatCountOf(app.get('postgresqlClient'), user.user_id)
  }
  if (options.json) printJson(record)
  else printRecord(record)
}

/**
 * A users service patch and its audit row (SPEC §15) in one transaction. The service's hooks (a ban revokes
 * the sessions and, through Redis, disconnects the sockets everywhere) take effect once it is committed.
 */
const patchAudited = async (app: Application, user: User, data: UserPatch, action: string) => {
  const params: KnexAdapterParams = { afterCommit: [] }
  const patched = await app.get('postgresqlClient').transaction(async (trx) => {
    params.transaction = { trx, starting: false }
    const result = await app.service('api/users').patch(user.user_id, data, params)
    await recordAudit(trx, {
      actor_id: null,
      actor_kind: 'cli',
      action,
      target_type: 'user',
      target_id: user.user_id
    })
    return result
  })
  await Promise.all(params.afterCommit!)
  return patched
}

const setBan = (banned: boolean) => async (app: Application, ref: string, options: OutputOptions) => {
  const user = await resolveUser(app, ref)
  const data = { banned_at: banned ? new Date().toISOString() : null }
  const patched = await patchAudited(app, user, data, banned ? 'user.banned' : 'user.unbanned')
  await showUser(app, patched, options)
}

export const registerUserCommands = (program: Command) => {
  const user = program.command('user').description('manage user accounts')

  appCommand(
    user
      .command('create')
      .description('create an account (the registration rules apply)')
      .requiredOption('--name <name>', 'display name')
      .requiredOption('--email <email>', 'email address (the login)')
      .requiredOption('--password <password>', 'initial password'),
    async (app, options: OutputOptions & { name: string; email: string; password: string }) => {
      const { name, email, password } = options
      const created = await app.service('api/auth/register').create({ name, email, password })
      await showUser(app, created, options)
    }
  )

  appCommand(
    user
      .command('list')
      .description('list users, oldest first')
      .option('--limit <n>', 'page size (capped by the server)', integer, 20)
      .option('--offset <n>', 'users to skip', integer, 0),
    async (app, options: OutputOptions & { limit: number; offset: number }) => {
      const users = app.service('api/users')
      const query = { $limit: options.limit, $skip: options.offset }
      const knex = users.createQuery({ query: {} }).orderBy('id', 'asc')
      const page: UserPage = await users.find({ query, knex } as any)
      printRows(options, page.data, userFields)
    }
  )

  appCommand(
    user
      .command('search <q>')
      .description('case-insensitive prefix search on the name')
      .option('--limit <n>', 'page size (capped by the server)', integer, 20),
    async (app, q: string, options: OutputOptions & { limit: number }) => {
      const page = await app.service('api/users/search').find({ query: { q, $limit: options.limit } })
      printRows(options, page.data, userFields)
    }
  )

  appCommand(
    user.command('show <user>').description('one user (by user_id or email) with their chat count'),
    async (app, ref: string, options: OutputOptions) => showUser(app, await resolveUser(app, ref), options)
  )

  appCommand(user.command('ban <user>').description('ban: sessions revoked, sockets dropped'), setBan(true))
  appCommand(user.command('unban <user>').description('lift a ban'), setBan(false))

  appCommand(
    user
      .command('reset-password <user>')
      .description("set a new password and end the user's sessions")
      .requiredOption('--password <password>', 'the new password'),
    async (app, ref: string, options: OutputOptions & { password: string }) => {
      const user = await resolveUser(app, ref)
      // The same rules as registration (the users service itself only checks the schema), against this
      // account's own name and email.
      const { name, email } = user
      checkPasswordPolicy(options.password, { name, email }, app.get('limits').passwordMinLength)
      await patchAudited(app, user, { password: options.password }, 'user.password_reset')
      await app.get('refreshTokens').revokeUser(user.user_id)
      await showUser(app, await resolveUser(app, user.user_id), options)
    }
  )
}

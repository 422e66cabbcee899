// `seed [--users N] [--groups N] [--messages N] [--seed S] [--force]`: deterministic demo data (users
// user1@demo.test …, private chats, groups, messages) created through the services, like API clients would.
import type { Command } from 'commander'
import type { Application } from '../../declarations'
import type { User, UserPage } from '../../services/users/users.schema'
import { appCommand } from '../boot'
import { CliError, integer, note, printJson, printRecord, printRows, type OutputOptions } from '../output'
import { createProgress, type Progress } from '../progress'
import { createRandom, DEMO_PASSWORD, planDemo } from '../demo-data'

interface SeedOptions extends OutputOptions {
  users: number
  groups: number
  messages: number
  seed: string
  force?: boolean
}

const findByEmail = async (app: Application, email: string) => {
  const page: UserPage = await app.service('api/users').find({ query: { email, $limit: 1 } })
  return page.data[0]
}

const checkOptions = (options: SeedOptions) => {
  if (options.groups > 0 && options.users < 1) throw new CliError('groups need at least one user (--users)')
  if (options.messages > 0 && options.users < 2 && options.groups === 0) {
    throw new CliError('messages need a chat: use --users 2 or more, or --groups 1 or more')
  }
}

const seed = async (app: Application, options: SeedOptions, progress: (total: number) => Progress) => {
  checkOptions(options)
  const todo = planDemo(options, createRandom(options.seed))
  const existing = new Map<string, User>()
  for (const { email } of todo.users) {
    const found = await findByEmail(app, email)
    if (found) existing.set(email, found)
  }
  if (existing.size > 0 && !options.force) {
    const some = [...existing.keys()].slice(0, 3).join(', ')
    throw new CliError(
      `demo users already exist (${some}${existing.size > 3 ? ', …' : ''}); use --force to seed anyway`
    )
  }
  const bar = progress(todo.users.length + todo.pairs.length + todo.groups.length + todo.messages.length)
  try {
    bar.phase('users', todo.users.length)
    const users: User[] = []
    for (const data of todo.users) {
      users.push(existing.get(data.email) ?? (await app.service('api/auth/register').create(data)))
      bar.tick()
    }
    bar.phase('private chats', todo.pairs.length)
    const chatIds: string[] = []
    for (const [a, b] of todo.pairs) {
      const chat = await app
        .service('api/chats/private')
        .create({ user_id: users[b].user_id }, { user: users[a] })
      chatIds.push(chat.chat_id)
      bar.tick()
    }
    bar.phase('groups', todo.groups.length)
    const groups = []
    for (const group of todo.groups) {
      const member_ids = group.members.map((i) => users[i].user_id)
      const description = `Demo group ${group.name}`
      const created = await app
        .service('api/groups')
        .create({ name: group.name, description, member_ids }, { user: users[group.owner] })
      groups.push({ group_id: created.group_id, name: created.name, members: created.member_count })
      chatIds.push(created.chat_id)
      bar.tick()
    }
    bar.phase('messages', todo.messages.length)
    for (const message of todo.messages) {
      const route = { chat_id: chatIds[message.chat] }
      await app
        .service('api/chats/:chat_id/messages')
        .create({ content: message.content }, { route, user: users[message.sender] })
      bar.tick()
    }
    const summary = users.map(({ user_id, name, email }) => ({ user_id, name, email }))
    return {
      users: summary,
      password: DEMO_PASSWORD,
      private_chats: todo.pairs.length,
      groups,
      messages: todo.messages.length
    }
  } finally {
    bar.stop()
  }
}

export const registerSeedCommand = (program: Command) => {
  appCommand(
    program
      .command('seed')
      .description('create deterministic demo data (same options, same data)')
      .option('--users <n>', 'demo users (user1@demo.test …)', integer, 10)
      .option('--groups <n>', 'groups', integer, 3)
      .option('--messages <n>', 'messages spread over the chats', integer, 100)
      .option('--seed <s>', 'random seed', '1')
      .option('--force', 'seed even if demo users exist (they are reused)'),
    async (app, options: SeedOptions) => {
      const result = await seed(app, options, (total) => createProgress(total))
      if (options.json) return printJson(result)
      printRows(options, result.users, ['user_id', 'name', 'email'])
      const { private_chats, messages } = result
      printRecord({ users: result.users.length, private_chats, groups: result.groups.length, messages })
      note(options, `Every demo user's password: ${result.password}`)
    }
  )
}

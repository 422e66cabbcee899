// `chat list --user <user>`: a user's chats as that user sees them (`api/chats` find with params.user).
import type { Command } from 'commander'
import type { Chat } from '../../services/chats/chats.schema'
import { appCommand } from '../boot'
import { integer, printJson, printRows, type OutputOptions } from '../output'
import { resolveUser } from './user'

const chatFields = ['chat_id', 'type', 'title', 'members', 'last_seq', 'unread_count', 'last_message_at']

/** What the user would see as the chat's title: the group's name or the other user's. */
const summarize = (chat: Chat) => ({
  ...chat,
  title: chat.type === 'group' ? (chat.group?.name ?? chat.name) : (chat.other_user?.name ?? null),
  members: chat.type === 'group' ? (chat.group?.member_count ?? null) : 2
})

export const registerChatCommands = (program: Command) => {
  const chat = program.command('chat').description('inspect chats')

  appCommand(
    chat
      .command('list')
      .description("a user's chats, latest activity first")
      .requiredOption('--user <user>', 'user_id or email')
      .option('--type <type>', 'private or group')
      .option('--limit <n>', 'page size (capped by the server)', integer, 50)
      .option('--offset <n>', 'chats to skip', integer, 0),
    async (app, options: OutputOptions & { user: string; type?: string; limit: number; offset: number }) => {
      const user = await resolveUser(app, options.user)
      const query: Record<string, unknown> = { $limit: Math.max(options.limit, 1), $skip: options.offset }
      if (options.type) query.type = options.type
      const page = await app.service('api/chats').find({ user, query })
      const chats = page.data.map(summarize)
      if (options.json) printJson({ ...page, data: chats })
      else printRows(options, chats, chatFields)
    }
  )
}

// `message show <message_id>`: a message with its thread summary, reactions (who reacted), pin, mentions and
// edit history, read through the services (internal calls: no membership check, as for an admin).
// `message delete <message_id>`: a tombstone through `api/messages` remove (internal: no sender or role
// check), announced to the chat's members like a delete from the API, on every instance.
import type { Command } from 'commander'
import { appCommand } from '../boot'
import {
  CliError,
  note,
  orNotFound,
  pick,
  printJson,
  printRecord,
  printRows,
  type OutputOptions
} from '../output'

const tombstoneFields = ['message_id', 'chat_id', 'seq', 'sender_id', 'type', 'created_at', 'deleted_at']
const messageFields = [
  'message_id',
  'chat_id',
  'seq',
  'sender_id',
  'sender_name',
  'type',
  'content',
  'reply_to',
  'thread_root_id',
  'mentions',
  'pinned_at',
  'pinned_by',
  'created_at',
  'edited_at',
  'deleted_at'
]

export const registerMessageCommands = (program: Command) => {
  const message = program.command('message').description('moderate messages')

  appCommand(
    message.command('show <message_id>').description('a message with its thread, reactions, pin and edits'),
    async (app, messageId: string, options: OutputOptions) => {
      const found = await orNotFound('message', messageId, app.service('api/messages').get(messageId))
      const route = { message_id: messageId }
      const [reactions, edits] = await Promise.all([
        app.service('api/messages/:message_id/reactions').find({ route }),
        app.service('api/messages/:message_id/edits').find({ route })
      ])
      const shown = {
        ...pick(found, messageFields),
        mentions: (found.mentions ?? []).join(', '),
        thread: found.thread
          ? `${found.thread.reply_count} replies, last ${found.thread.last_reply_at}, by ${found.thread.participant_ids.join(', ')}`
          : ''
      }
      const reactionRows = reactions.map((r) => ({
        emoji: r.emoji,
        count: r.count,
        users: r.user_ids.join(', ')
      }))
      if (options.json)
        return printJson({ ...pick(found, messageFields), thread: found.thread, reactions, edits })
      printRecord(shown)
      note(options, 'reactions:')
      printRows(options, reactionRows, ['emoji', 'count', 'users'])
      note(options, 'edits (previous contents, oldest first):')
      printRows(options, edits, ['edited_at', 'content'])
    }
  )

  appCommand(
    message.command('delete <message_id>').description('delete a message (content cleared, seq kept)'),
    async (app, messageId: string, options: OutputOptions) => {
      const messages = app.service('api/messages')
      const existing = await orNotFound('message', messageId, messages.get(messageId))
      if (existing.deleted_at) throw new CliError(`message already deleted: ${messageId}`)
      const tombstone = pick(
        await orNotFound('message', messageId, messages.remove(messageId)),
        tombstoneFields
      )
      if (options.json) printJson(tombstone)
      else printRecord(tombstone)
    }
  )
}

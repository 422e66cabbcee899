// `message delete <message_id>`: a tombstone through `api/messages` remove (internal: no sender or role
// check), announced to the chat's members like a delete from the API, on every instance.
import type { Command } from 'commander'
import { appCommand } from '../boot'
import { CliError, orNotFound, pick, printJson, printRecord, type OutputOptions } from '../output'

const tombstoneFields = ['message_id', 'chat_id', 'seq', 'sender_id', 'type', 'created_at', 'deleted_at']

export const registerMessageCommands = (program: Command) => {
  const message = program.command('message').description('moderate messages')

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

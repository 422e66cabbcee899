// `group show <group_id>`: the group and its members with their roles (`api/groups` get, internal).
import type { Command } from 'commander'
import { appCommand } from '../boot'
import { note, orNotFound, pick, printJson, printRecord, printRows, type OutputOptions } from '../output'

const groupFields = ['group_id', 'chat_id', 'name', 'description', 'owner_id', 'member_count', 'created_at']
const memberFields = ['user_id', 'name', 'role', 'status', 'joined_at']

export const registerGroupCommands = (program: Command) => {
  const group = program.command('group').description('inspect groups')

  appCommand(
    group.command('show <group_id>').description('a group with its members and their roles'),
    async (app, groupId: string, options: OutputOptions) => {
      const found = await orNotFound('group', groupId, app.service('api/groups').get(groupId))
      const members = (found.members ?? []).map((m) => pick(m, memberFields))
      if (options.json) return printJson({ ...pick(found, groupFields), members })
      printRecord(pick(found, groupFields))
      note(options, 'members:')
      printRows(options, members, memberFields)
    }
  )
}

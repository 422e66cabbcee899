// `group show <group_id>`: the group and its members with their roles (`api/groups` get, internal).
import type { Command } from 'commander'
import { withApp } from '../boot'
import {
  action,
  note,
  orNotFound,
  pick,
  printJson,
  printRecord,
  printRows,
  type OutputOptions
} from '../output'

const groupFields = ['group_id', 'chat_id', 'name', 'description', 'owner_id', 'member_count', 'created_at']
const memberFields = ['user_id', 'name', 'role', 'status', 'joined_at']

export const registerGroupCommands = (program: Command) => {
  const group = program.command('group').description('inspect groups')

  group
    .command('show <group_id>')
    .description('a group with its members and their roles')
    .option('--json', 'print JSON')
    .action(
      action(async (groupId: string, options: OutputOptions) =>
        withApp(async (app) => {
          const found = await orNotFound('group', groupId, app.service('api/groups').get(groupId))
          const members = (found.members ?? []).map((m) => pick(m, memberFields))
          if (options.json) return printJson({ ...pick(found, groupFields), members })
          printRecord(pick(found, groupFields))
          note(options, 'members:')
          printRows(options, members, memberFields)
        })
      )
    )
}

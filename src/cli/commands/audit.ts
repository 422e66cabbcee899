// `audit list`: the audit log of admin and moderation actions (SPEC §15), newest first, with filters.
import { InvalidArgumentError, type Command } from 'commander'
import { listAudit } from '../../audit/audit-log'
import { appCommand } from '../boot'
import { integer, printRows, type OutputOptions } from '../output'

const auditFields = [
  'id',
  'created_at',
  'actor_kind',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'group_id',
  'details'
]

/** `--since`: an ISO 8601 date(-time), or a span back from now (`30m`, `12h`, `7d`). */
export const sinceOption = (value: string): string => {
  const span = /^(\d{1,6})([smhd])$/.exec(value)
  if (span) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[span[2] as 's' | 'm' | 'h' | 'd']
    return new Date(Date.now() - Number(span[1]) * unit * 1000).toISOString()
  }
  const date = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('must be an ISO 8601 date or date-time, or a span such as 30m, 12h, 7d.')
  return date.toISOString()
}

const limitOption = (value: string) => {
  const n = integer(value)
  if (n < 1 || n > 1000) throw new InvalidArgumentError('must be between 1 and 1000.')
  return n
}

interface AuditOptions extends OutputOptions {
  actor?: string
  action?: string
  target?: string
  group?: string
  since?: string
  limit: number
}

export const registerAuditCommands = (program: Command) => {
  const audit = program.command('audit').description('the audit log of admin and moderation actions')

  appCommand(
    audit
      .command('list')
      .description('audit entries, newest first')
      .option('--actor <user_id>', "who acted (a user id, or 'cli' for this CLI)")
      .option('--action <action>', 'an action (e.g. group.member_banned), or a prefix ending in * (group.*)')
      .option('--target <id>', 'the id of the user, group, message or report acted on')
      .option('--group <group_id>', 'actions in this group')
      .option('--since <when>', 'from this time (ISO 8601, or 30m, 12h, 7d back)', sinceOption)
      .option('--limit <n>', 'at most this many entries (1-1000)', limitOption, 50),
    async (app, options: AuditOptions) => {
      const rows = await listAudit(app.get('postgresqlClient'), options)
      printRows(options, rows, auditFields)
    }
  )
}

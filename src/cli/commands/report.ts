// `report list [--status] [--group]`, `report resolve <report_id> [--note]`: every report on messages (SPEC
// §15), private chats' included (only this CLI sees those). A resolution is audited and announced to the
// group's owners and admins like one from the API.
import { InvalidArgumentError, type Command } from 'commander'
import { listReports, resolveReport } from '../../services/groups/reports/report-store'
import { appCommand } from '../boot'
import { CliError, integer, note, printJson, printRecord, printRows, type OutputOptions } from '../output'

const reportFields = [
  'report_id',
  'status',
  'group_id',
  'chat_id',
  'message_id',
  'reporter',
  'reason',
  'created_at'
]

const statusOption = (value: string) => {
  if (value !== 'open' && value !== 'resolved')
    throw new InvalidArgumentError("must be 'open' or 'resolved'.")
  return value
}

const row = (report: any) => ({
  ...report,
  reporter: `${report.reporter?.name} (${report.reporter_id})`,
  content: report.message?.deleted_at ? '(deleted)' : report.message?.content
})

export const registerReportCommands = (program: Command) => {
  const report = program.command('report').description('reports on messages')

  appCommand(
    report
      .command('list')
      .description('reports, newest first')
      .option('--status <status>', 'open or resolved', statusOption)
      .option('--group <group_id>', "one group's reports")
      .option('--limit <n>', 'page size', integer, 50)
      .option('--offset <n>', 'reports to skip', integer, 0),
    async (
      app,
      options: OutputOptions & { status?: 'open' | 'resolved'; group?: string; limit: number; offset: number }
    ) => {
      const rows = await listReports(app.get('postgresqlClient'), {
        status: options.status,
        groupId: options.group,
        limit: Math.min(Math.max(options.limit, 1), 1000),
        skip: options.offset
      })
      const page = rows.slice(0, options.limit)
      if (options.json) return printJson(page)
      printRows(options, page.map(row), [...reportFields, 'content'])
    }
  )

  appCommand(
    report
      .command('resolve <report_id>')
      .description('resolve a report (audited)')
      .option('--note <text>', 'what was done'),
    async (app, reportId: string, options: OutputOptions & { note?: string }) => {
      const outcome = await resolveReport(
        app.get('postgresqlClient'),
        reportId,
        undefined,
        { actor_id: null, actor_kind: 'cli' },
        options.note ?? null
      )
      if (!outcome) throw new CliError(`report not found: ${reportId}`)
      if (outcome.changed)
        app.service('api/groups/:group_id/reports').emit('patched', outcome.report, {
          params: { route: { group_id: outcome.report.group_id ?? '' } }
        } as any)
      else note(options, 'already resolved')
      if (options.json) return printJson(outcome.report)
      printRecord(row(outcome.report), [...reportFields, 'content', 'resolution', 'resolved_at'])
    }
  )
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// `POST /api/messages/:message_id/reports {reason}`: a member of the message's chat reports it (SPEC §15).
import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { Report, ReportData } from '../../groups/reports/reports.schema'
import { createReport } from '../../groups/reports/report-store'

export type { Report, ReportData }

export class MessageReportService {
  constructor(private readonly app: Application) {}

  /** Reporting a message again while one's own report on it is open answers that report (200, no event). */
  async create(data: ReportData, params: Params): Promise<Report> {
    const message =
      params.message ?? (await this.app.service('api/messages').get(String(params.route!.message_id)))
    const { report, created } = await createReport(
      this.app.get('postgresqlClient'),
      message,
      params.user!.user_id,
      data.reason
    )
    params.changed = created
    return report
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// `api/groups/:group_id/reports`: a group's reports, for its owners and admins (hooks check the role).
import type { Id, Params } from '@feathersjs/feathers'
import { NotFound } from '@feathersjs/errors'
import type { Application } from '../../../declarations'
import { auditActor } from '../../../audit/audit-log'
import { offsetPage } from '../../../validators'
import type { Report, ReportPage, ReportPatch, ReportQuery } from './reports.schema'
import { listReports, resolveReport } from './report-store'

export type { Report, ReportPage, ReportPatch, ReportQuery }

export const reportNotFound = () => new NotFound('Report not found')

export class GroupReportService {
  constructor(private readonly app: Application) {}

  private get db() {
    return this.app.get('postgresqlClient')
  }

  async find(params: Params<ReportQuery>): Promise<ReportPage> {
    const limit = params.query?.$limit ?? 50
    const skip = params.query?.$skip ?? 0
    const rows = await listReports(this.db, {
      groupId: String(params.route!.group_id),
      status: params.query?.status,
      limit,
      skip
    })
    return offsetPage(rows, limit, skip)
  }

  /** `{status: 'resolved', resolution?}`; resolving a resolved report answers it unchanged (no event). */
  async patch(id: Id | null, data: ReportPatch, params: Params): Promise<Report> {
    const outcome = await resolveReport(
      this.db,
      String(id),
      String(params.route!.group_id),
      auditActor(params),
      data.resolution ?? null
    )
    if (!outcome) throw reportNotFound()
    params.changed = outcome.changed
    return outcome.report
  }
}

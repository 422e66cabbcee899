// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { Report, ReportPage, ReportPatch, ReportQuery } from './reports.schema'

export type { Report, ReportPage, ReportPatch, ReportQuery }

export const groupReportPath = 'api/groups/:group_id/reports'
export const groupReportMethods = ['find', 'patch'] as const

type Route = { route: { group_id: string } }

export type GroupReportClientService = {
  find(params: Route & { query?: ReportQuery }): Promise<ReportPage>
  patch(reportId: string, data: ReportPatch, params: Route): Promise<Report>
}

export const groupReportClient = (client: ClientApplication) => {
  client.use(groupReportPath, client.get('connection').service(groupReportPath), {
    methods: [...groupReportMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [groupReportPath]: GroupReportClientService
  }
}

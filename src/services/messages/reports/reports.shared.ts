// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { Report, ReportData } from '../../groups/reports/reports.schema'

export type { Report, ReportData }

export const messageReportPath = 'api/messages/:message_id/reports'
export const messageReportMethods = ['create'] as const

export type MessageReportClientService = {
  create(data: ReportData, params: { route: { message_id: string } }): Promise<Report>
}

export const messageReportClient = (client: ClientApplication) => {
  client.use(messageReportPath, client.get('connection').service(messageReportPath), {
    methods: [...messageReportMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [messageReportPath]: MessageReportClientService
  }
}

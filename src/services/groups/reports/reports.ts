// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireGroupRole } from '../../../hooks/authorization/require-group-role'
import { silenceUnchanged } from '../../../hooks/silence-unchanged'
import { reportPatchValidator, reportQueryValidator } from './reports.schema'
import { GroupReportService } from './reports.class'
import { groupReportMethods, groupReportPath } from './reports.shared'

export const groupReports = (app: Application) => {
  app.use(groupReportPath, new GroupReportService(app), { methods: [...groupReportMethods], events: [] })
  app.service(groupReportPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      all: [requireGroupRole('owner', 'admin')],
      find: [schemaHooks.validateQuery(reportQueryValidator)],
      patch: [schemaHooks.validateData(reportPatchValidator)]
    },
    after: { patch: [silenceUnchanged] }
    // `patched` (resolved) reaches the group's owners and admins only: src/channels.ts.
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [groupReportPath]: GroupReportService
  }
}

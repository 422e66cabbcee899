// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import { BadRequest } from '@feathersjs/errors'
import type { Application, HookContext } from '../../../declarations'
import { requireRouteMessageAccess } from '../../../hooks/authorization/require-message-access'
import { refuseDeletedMessage } from '../../../hooks/reaction-rules'
import { unchangedCreate } from '../../../hooks/silence-unchanged'
import { reportDataValidator } from '../../groups/reports/reports.schema'
import { MessageReportService } from './reports.class'
import { messageReportMethods, messageReportPath } from './reports.shared'

/** Reporting one's own message makes no sense. */
const refuseOwnMessage = async (context: HookContext) => {
  if (context.params.provider && context.params.message?.sender_id === context.params.user?.user_id)
    throw new BadRequest('You cannot report your own message')
}

export const messageReports = (app: Application) => {
  app.use(messageReportPath, new MessageReportService(app), {
    methods: [...messageReportMethods],
    events: []
  })
  app.service(messageReportPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      // Non-members of the message's chat get its 404.
      create: [
        requireRouteMessageAccess,
        schemaHooks.validateData(reportDataValidator),
        refuseDeletedMessage,
        refuseOwnMessage
      ]
    },
    after: { create: unchangedCreate }
    // The `created` event reaches the group's owners and admins only: src/channels.ts.
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [messageReportPath]: MessageReportService
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import type { Application } from '../../../declarations'
import { requireRouteMessageAccess } from '../../../hooks/authorization/require-message-access'
import { MessageEditService } from './edits.class'
import { messageEditMethods, messageEditPath } from './edits.shared'

export * from './edits.class'
export * from './edits.schema'

export const messageEdits = (app: Application) => {
  app.use(messageEditPath, new MessageEditService(app), { methods: [...messageEditMethods], events: [] })
  app.service(messageEditPath).hooks({
    around: {
      all: [authenticate('jwt')]
    },
    before: {
      find: [requireRouteMessageAccess]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [messageEditPath]: MessageEditService
  }
}

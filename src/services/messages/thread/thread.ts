// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireRouteMessageAccess } from '../../../hooks/authorization/require-message-access'
import { ThreadService } from './thread.class'
import { threadQueryValidator } from './thread.schema'
import { threadMethods, threadPath } from './thread.shared'

export const thread = (app: Application) => {
  app.use(threadPath, new ThreadService(app), { methods: [...threadMethods], events: [] })
  app.service(threadPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { find: [requireRouteMessageAccess, schemaHooks.validateQuery(threadQueryValidator)] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [threadPath]: ThreadService
  }
}

import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { StatusService } from './status.class'
import { statusDataValidator } from './status.schema'
import { statusEvents, statusMethods, statusPath } from './status.shared'
import { noEvents } from '../../../hooks/no-events'

export const status = (app: Application) => {
  app.use(statusPath, new StatusService(app), { methods: [...statusMethods], events: statusEvents })
  app.service(statusPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { update: [schemaHooks.validateData(statusDataValidator), noEvents] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [statusPath]: StatusService
  }
}

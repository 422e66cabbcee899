import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { answerOk } from '../../../hooks/answer-ok'
import { refreshDataValidator } from '../auth.schema'
import { RefreshService } from './refresh.class'
import { refreshMethods, refreshPath } from './refresh.shared'

export const refresh = (app: Application) => {
  app.use(refreshPath, new RefreshService(app), { methods: [...refreshMethods], events: [] })
  app.service(refreshPath).hooks({
    before: { create: [schemaHooks.validateData(refreshDataValidator)] },
    after: { create: [answerOk] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [refreshPath]: RefreshService
  }
}

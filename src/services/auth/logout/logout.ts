import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { answerOk } from '../../../hooks/answer-ok'
import { logoutDataValidator } from '../auth.schema'
import { LogoutService } from './logout.class'
import { logoutMethods, logoutPath } from './logout.shared'

export const logout = (app: Application) => {
  app.use(logoutPath, new LogoutService(app), { methods: [...logoutMethods], events: ['ended'] })
  app.service(logoutPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { create: [schemaHooks.validateData(logoutDataValidator)] },
    after: { create: [answerOk] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [logoutPath]: LogoutService
  }
}

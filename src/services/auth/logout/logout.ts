import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { answerOk } from '../../../hooks/answer-ok'
import { refuseBots } from '../../../hooks/authorization/refuse-bots'
import { logoutDataValidator } from '../auth.schema'
import { LogoutService } from './logout.class'
import { logoutMethods, logoutPath } from './logout.shared'

export const logout = (app: Application) => {
  app.use(logoutPath, new LogoutService(app), { methods: [...logoutMethods], events: ['ended'] })
  app.service(logoutPath).hooks({
    around: { all: [authenticate('jwt')] },
    // A bot's token is ended by its owner (rotate, delete), not by the bot: 403 (SPEC §15).
    before: { create: [refuseBots, schemaHooks.validateData(logoutDataValidator)] },
    after: { create: [answerOk] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [logoutPath]: LogoutService
  }
}

import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { answerOk } from '../../../hooks/answer-ok'
import { loginDataValidator } from '../auth.schema'
import { LoginService } from './login.class'
import { loginMethods, loginPath } from './login.shared'

export const login = (app: Application) => {
  app.use(loginPath, new LoginService(app), { methods: [...loginMethods], events: [] })
  app.service(loginPath).hooks({
    before: { create: [schemaHooks.validateData(loginDataValidator)] },
    after: { create: [answerOk] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [loginPath]: LoginService
  }
}

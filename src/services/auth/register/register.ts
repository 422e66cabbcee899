import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { rateLimitRegister } from '../../../hooks/rate-limit'
import { enforcePasswordPolicy } from '../../../hooks/password-policy'
import { conflictOnDuplicate } from '../../../hooks/conflict-on-duplicate'
import { ownUserResolver, registerDataValidator } from '../auth.schema'
import { RegisterService } from './register.class'
import { registerMethods, registerPath } from './register.shared'

export const register = (app: Application) => {
  app.use(registerPath, new RegisterService(app), { methods: [...registerMethods], events: [] })
  app.service(registerPath).hooks({
    around: { all: [schemaHooks.resolveExternal(ownUserResolver)] },
    before: {
      create: [rateLimitRegister, schemaHooks.validateData(registerDataValidator), enforcePasswordPolicy]
    },
    error: { create: [conflictOnDuplicate('An account with this email already exists')] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [registerPath]: RegisterService
  }
}

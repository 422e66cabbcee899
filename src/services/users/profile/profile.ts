import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { userExternalResolver } from '../users.schema'
import { noEvents } from '../../../hooks/no-events'
import { ProfileService } from './profile.class'
import { profileDataValidator } from './profile.schema'
import { profileMethods, profilePath } from './profile.shared'

export const profile = (app: Application) => {
  app.use(profilePath, new ProfileService(app), { methods: [...profileMethods], events: [] })
  app.service(profilePath).hooks({
    around: { all: [authenticate('jwt'), schemaHooks.resolveExternal(userExternalResolver)] },
    before: {
      find: [],
      update: [schemaHooks.validateData(profileDataValidator), noEvents],
      patch: [schemaHooks.validateData(profileDataValidator), noEvents]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [profilePath]: ProfileService
  }
}

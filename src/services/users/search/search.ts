import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { rateLimitUserSearch } from '../../../hooks/rate-limit'
import { userExternalResolver } from '../users.schema'
import { UserSearchService } from './search.class'
import { userSearchQueryValidator } from './search.schema'
import { userSearchMethods, userSearchPath } from './search.shared'

export const userSearch = (app: Application) => {
  app.use(userSearchPath, new UserSearchService(app), { methods: [...userSearchMethods], events: [] })
  app.service(userSearchPath).hooks({
    around: { all: [authenticate('jwt'), schemaHooks.resolveExternal(userExternalResolver)] },
    before: { find: [schemaHooks.validateQuery(userSearchQueryValidator), rateLimitUserSearch] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [userSearchPath]: UserSearchService
  }
}

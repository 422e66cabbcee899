import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { GlobalMessageSearchService } from './messages.class'
import { messageSearchQueryValidator } from './messages.schema'
import { globalMessageSearchMethods, globalMessageSearchPath } from './messages.shared'

export const globalMessageSearch = (app: Application) => {
  app.use(globalMessageSearchPath, new GlobalMessageSearchService(app), {
    methods: [...globalMessageSearchMethods],
    events: []
  })
  app.service(globalMessageSearchPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { find: [schemaHooks.validateQuery(messageSearchQueryValidator)] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [globalMessageSearchPath]: GlobalMessageSearchService
  }
}

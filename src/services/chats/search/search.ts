import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireChatMember } from '../../../hooks/authorization/require-chat-member'
import { messageSearchQueryValidator } from '../../search/messages/messages.schema'
import { MessageSearchService } from './search.class'
import { messageSearchMethods, messageSearchPath } from './search.shared'

export const messageSearch = (app: Application) => {
  app.use(messageSearchPath, new MessageSearchService(app), {
    methods: [...messageSearchMethods],
    events: []
  })
  app.service(messageSearchPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { find: [requireChatMember, schemaHooks.validateQuery(messageSearchQueryValidator)] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [messageSearchPath]: MessageSearchService
  }
}

import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireChatMember } from '../../../hooks/authorization/require-chat-member'
import { noEvents } from '../../../hooks/no-events'
import { refuseMuted } from '../../../hooks/authorization/refuse-muted'
import { answerOk } from '../../../hooks/answer-ok'
import { typingDataValidator } from '../chats.schema'
import { TypingService } from './typing.class'
import { typingEvents, typingMethods, typingPath } from './typing.shared'

export const typing = (app: Application) => {
  app.use(typingPath, new TypingService(app), { methods: [...typingMethods], events: typingEvents })
  app.service(typingPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      create: [requireChatMember, refuseMuted, schemaHooks.validateData(typingDataValidator), noEvents]
    },
    after: { create: [answerOk] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [typingPath]: TypingService
  }
}

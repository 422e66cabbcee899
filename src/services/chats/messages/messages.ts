import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../../declarations'
import { requireChatMember } from '../../../hooks/authorization/require-chat-member'
import { enforceMessageRules } from '../../../hooks/message-rules'
import { validateMentions } from '../../../hooks/mention-rules'
import { validateThreadRoot } from '../../../hooks/thread-rules'
import { noEvents } from '../../../hooks/no-events'
import { refuseMuted } from '../../../hooks/authorization/refuse-muted'
import { rateLimitMessages } from '../../../hooks/rate-limit'
import { messageDataValidator, messageQueryValidator } from '../../messages/messages.schema'
import { ChatMessageService } from './messages.class'
import { chatMessageMethods, chatMessagePath } from './messages.shared'

/** A retried send answers 200 with the original message instead of 201. */
const okForDuplicates = async (context: HookContext) => {
  if (context.params.duplicate) context.http = { ...context.http, status: 200 }
}

export const chatMessages = (app: Application) => {
  app.use(chatMessagePath, new ChatMessageService(app), { methods: [...chatMessageMethods], events: [] })
  app.service(chatMessagePath).hooks({
    around: {
      all: [authenticate('jwt')]
    },
    before: {
      all: [requireChatMember, noEvents],
      find: [schemaHooks.validateQuery(messageQueryValidator)],
      create: [
        refuseMuted, // moderation (SPEC §15)
        rateLimitMessages,
        schemaHooks.validateData(messageDataValidator),
        enforceMessageRules,
        validateThreadRoot,
        validateMentions
      ]
    },
    after: {
      create: [okForDuplicates]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [chatMessagePath]: ChatMessageService
  }
}

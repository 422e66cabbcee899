// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { requireChatMember } from '../../hooks/authorization/require-chat-member'
import { ChatService } from './chats.class'
import { chatExternalResolver, chatQueryValidator } from './chats.schema'
import { chatMethods, chatPath } from './chats.shared'

export * from './chats.class'
export * from './chats.schema'

/** Finding the existing private chat creates nothing, so there is nothing to announce. */
const silenceExisting = async (context: HookContext) => {
  if (context.params.existing) context.event = null
}

export const chat = (app: Application) => {
  app.use(chatPath, new ChatService(app), { methods: [...chatMethods], events: [] })
  app.service(chatPath).hooks({
    around: {
      all: [authenticate('jwt'), schemaHooks.resolveExternal(chatExternalResolver)]
    },
    before: {
      find: [schemaHooks.validateQuery(chatQueryValidator)],
      get: [requireChatMember],
      create: []
    },
    after: {
      create: [silenceExisting] // chat lists: src/caches/chat-lists.ts
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [chatPath]: ChatService
  }
}

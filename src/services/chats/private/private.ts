import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../../declarations'
import { noEvents } from '../../../hooks/no-events'
import { chatExternalResolver, privateChatDataValidator } from '../chats.schema'
import { PrivateChatService } from './private.class'
import { privateChatMethods, privateChatPath } from './private.shared'

const okWhenExisting = async (context: HookContext) => {
  if (context.params.existing) context.http = { ...context.http, status: 200 }
}

export const privateChat = (app: Application) => {
  app.use(privateChatPath, new PrivateChatService(app), { methods: [...privateChatMethods], events: [] })
  app.service(privateChatPath).hooks({
    around: { all: [authenticate('jwt'), schemaHooks.resolveExternal(chatExternalResolver)] },
    before: { create: [schemaHooks.validateData(privateChatDataValidator), noEvents] },
    after: { create: [okWhenExisting] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [privateChatPath]: PrivateChatService
  }
}

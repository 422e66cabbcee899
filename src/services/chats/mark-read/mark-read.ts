import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireChatMember } from '../../../hooks/authorization/require-chat-member'
import { noEvents } from '../../../hooks/no-events'
import { markReadDataValidator } from '../chats.schema'
import { MarkReadService } from './mark-read.class'
import { markReadEvents, markReadMethods, markReadPath } from './mark-read.shared'

export const markRead = (app: Application) => {
  app.use(markReadPath, new MarkReadService(app), { methods: [...markReadMethods], events: markReadEvents })
  app.service(markReadPath).hooks({
    around: { all: [authenticate('jwt')] },
    // The reader's chat list follows from src/caches/chat-lists.ts.
    before: { update: [requireChatMember, schemaHooks.validateData(markReadDataValidator), noEvents] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [markReadPath]: MarkReadService
  }
}

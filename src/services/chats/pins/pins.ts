// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireChatMember } from '../../../hooks/authorization/require-chat-member'
import { requireChatModerator } from '../../../hooks/authorization/require-chat-moderator'
import { silenceUnchanged, unchangedCreate } from '../../../hooks/silence-unchanged'
import { PinService } from './pins.class'
import { pinDataValidator, pinQueryValidator } from './pins.schema'
import { pinMethods, pinPath } from './pins.shared'

export * from './pins.class'
export * from './pins.schema'

export const pin = (app: Application) => {
  app.use(pinPath, new PinService(app), { methods: [...pinMethods], events: [] })
  app.service(pinPath).hooks({
    around: {
      all: [authenticate('jwt')]
    },
    before: {
      find: [requireChatMember, schemaHooks.validateQuery(pinQueryValidator)],
      create: [requireChatModerator, schemaHooks.validateData(pinDataValidator)],
      remove: [requireChatModerator]
    },
    after: {
      create: unchangedCreate, // pinning a pinned message (or unpinning one that is not): no event, 200
      remove: [silenceUnchanged]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [pinPath]: PinService
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireRouteMessageAccess } from '../../../hooks/authorization/require-message-access'
import { refuseDeletedMessage, requireReactionEmoji } from '../../../hooks/reaction-rules'
import { refuseMuted } from '../../../hooks/authorization/refuse-muted'
import { silenceUnchanged, unchangedCreate } from '../../../hooks/silence-unchanged'
import { ReactionService } from './reactions.class'
import { reactionDataValidator } from './reactions.schema'
import { reactionMethods, reactionPath } from './reactions.shared'

export * from './reactions.class'
export * from './reactions.schema'

export const reaction = (app: Application) => {
  app.use(reactionPath, new ReactionService(app), {
    methods: [...reactionMethods],
    events: []
  })
  app.service(reactionPath).hooks({
    around: {
      all: [authenticate('jwt')]
    },
    before: {
      all: [requireRouteMessageAccess],
      find: [],
      create: [
        refuseMuted, // moderation (SPEC §15)
        schemaHooks.validateData(reactionDataValidator),
        requireReactionEmoji,
        refuseDeletedMessage
      ],
      remove: [requireReactionEmoji]
    },
    after: {
      create: unchangedCreate, // reacting again (or taking back a reaction that is not there): no event, 200
      remove: [silenceUnchanged]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [reactionPath]: ReactionService
  }
}

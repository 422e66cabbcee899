// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../../declarations'
import { requireRouteMessageAccess } from '../../../hooks/authorization/require-route-message'
import { refuseDeletedMessage, requireReactionEmoji } from '../../../hooks/reaction-rules'
import { answerOkWhen } from '../../../hooks/answer-ok'
import { ReactionService } from './reactions.class'
import { reactionDataValidator } from './reactions.schema'
import { reactionMethods, reactionPath } from './reactions.shared'

export * from './reactions.class'
export * from './reactions.schema'

/** Reacting again (or taking back a reaction that is not there) changes nothing and announces nothing. */
const silenceNoChange = async (context: HookContext) => {
  if (context.params.changed === false) context.event = null
}

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
      create: [schemaHooks.validateData(reactionDataValidator), requireReactionEmoji, refuseDeletedMessage],
      remove: [requireReactionEmoji]
    },
    after: {
      create: [silenceNoChange, answerOkWhen((context) => context.params.changed === false)],
      remove: [silenceNoChange]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [reactionPath]: ReactionService
  }
}

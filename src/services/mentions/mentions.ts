// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { MentionService } from './mentions.class'
import { mentionQueryValidator } from './mentions.schema'
import { mentionMethods, mentionPath } from './mentions.shared'

export const mention = (app: Application) => {
  app.use(mentionPath, new MentionService(app), { methods: [...mentionMethods], events: [] })
  app.service(mentionPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { find: [schemaHooks.validateQuery(mentionQueryValidator)] }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [mentionPath]: MentionService
  }
}

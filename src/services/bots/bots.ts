// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { refuseBots } from '../../hooks/authorization/refuse-bots'
import { BotService, BotTokenService } from './bots.class'
import { botDataValidator, botQueryValidator } from './bots.schema'
import { botMethods, botPath, botTokenMethods, botTokenPath } from './bots.shared'

export * from './bots.class'
export * from './bots.schema'

// Bots (SPEC §15): owned by the user who made them; only the owner finds them here (others: 404).
export const bot = (app: Application) => {
  app.use(botPath, new BotService(app), { methods: [...botMethods], events: [] })
  app.service(botPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      all: [refuseBots],
      find: [schemaHooks.validateQuery(botQueryValidator)],
      create: [schemaHooks.validateData(botDataValidator)]
    }
  })
  app.use(botTokenPath, new BotTokenService(app), { methods: [...botTokenMethods], events: [] })
  app.service(botTokenPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { all: [refuseBots] }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [botPath]: BotService
    [botTokenPath]: BotTokenService
  }
}

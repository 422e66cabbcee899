// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireIncomingWebhookAdmin } from '../../hooks/authorization/require-incoming-webhook-admin'
import { noEvents } from '../../hooks/no-events'
import { IncomingWebhookService } from './incoming-webhooks.class'
import { incomingWebhookDataValidator, incomingWebhookQueryValidator } from './incoming-webhooks.schema'
import { incomingWebhookMethods, incomingWebhookPath } from './incoming-webhooks.shared'

export const incomingWebhooks = (app: Application) => {
  app.use(incomingWebhookPath, new IncomingWebhookService(app), {
    methods: [...incomingWebhookMethods],
    events: []
  })
  app.service(incomingWebhookPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      // No events: the answer to create holds the secret, and nothing of it may cross Redis or a channel.
      all: [noEvents],
      find: [schemaHooks.validateQuery(incomingWebhookQueryValidator), requireIncomingWebhookAdmin],
      get: [requireIncomingWebhookAdmin],
      create: [schemaHooks.validateData(incomingWebhookDataValidator), requireIncomingWebhookAdmin],
      remove: [requireIncomingWebhookAdmin]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [incomingWebhookPath]: IncomingWebhookService
  }
}

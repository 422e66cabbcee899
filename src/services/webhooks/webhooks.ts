// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
// Outgoing webhooks (SPEC §15): the `api/webhooks` service and this instance's delivery worker, started when
// the app listens (not in the admin CLI, which boots without a server) and stopped first on teardown
// (before the database closes: attempts in flight finish or give their lease back).
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext, NextFunction } from '../../declarations'
import { requireWebhookAdmin, requireWebhookChatAdmin } from '../../hooks/authorization/require-webhook-admin'
import { requireWebhookTarget } from '../../hooks/webhook-target'
import { WebhookDispatcher } from './dispatcher'
import { WebhookService } from './webhooks.class'
import { webhookDataValidator, webhookPatchValidator, webhookQueryValidator } from './webhooks.schema'
import { webhookMethods, webhookPath } from './webhooks.shared'
import { webhookDeliveries } from './deliveries/deliveries'

export * from './webhooks.class'
export * from './webhooks.schema'

declare module '../../declarations' {
  interface Configuration {
    webhookDispatcher?: WebhookDispatcher
  }
}

export const webhooks = (app: Application) => {
  app.use(webhookPath, new WebhookService(app), {
    methods: [...webhookMethods],
    events: []
  })
  app.service(webhookPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      find: [schemaHooks.validateQuery(webhookQueryValidator), requireWebhookChatAdmin],
      get: [requireWebhookAdmin],
      create: [schemaHooks.validateData(webhookDataValidator), requireWebhookChatAdmin, requireWebhookTarget],
      patch: [requireWebhookAdmin, schemaHooks.validateData(webhookPatchValidator), requireWebhookTarget],
      remove: [requireWebhookAdmin]
    },
    after: {
      // The answer of a create carries the secret, its event never: the event (which also crosses to the
      // other instances, realtime/sync.ts) is emitted here without it.
      create: [
        async (context: HookContext) => {
          const { secret: _s, ...webhook } = context.result
          context.event = null
          context.service.emit('created', webhook)
        }
      ]
    }
  })
  app.configure(webhookDeliveries)

  const dispatcher = new WebhookDispatcher(app)
  app.set('webhookDispatcher', dispatcher)
  app.hooks({
    setup: [
      async (context: HookContext & { server?: unknown }, next: NextFunction) => {
        await next()
        if (context.server) dispatcher.start()
      }
    ],
    teardown: [
      async (_context: HookContext, next: NextFunction) => {
        await dispatcher.stop()
        await next()
      }
    ]
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [webhookPath]: WebhookService
  }
}

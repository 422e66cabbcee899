// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireWebhookAdmin } from '../../../hooks/authorization/require-webhook-admin'
import { WebhookDeliveryService } from './deliveries.class'
import { deliveryQueryValidator } from './deliveries.schema'
import { webhookDeliveryMethods, webhookDeliveryPath } from './deliveries.shared'

export * from './deliveries.class'
export * from './deliveries.schema'

export const webhookDeliveries = (app: Application) => {
  app.use(webhookDeliveryPath, new WebhookDeliveryService(app), {
    methods: [...webhookDeliveryMethods],
    events: []
  })
  app.service(webhookDeliveryPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { find: [requireWebhookAdmin, schemaHooks.validateQuery(deliveryQueryValidator)] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [webhookDeliveryPath]: WebhookDeliveryService
  }
}

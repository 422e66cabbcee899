// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { DeliveryAttempt, DeliveryPage, DeliveryQuery } from './deliveries.schema'

export type { DeliveryAttempt, DeliveryPage, DeliveryQuery }

export const webhookDeliveryPath = 'api/webhooks/:webhook_id/deliveries'
export const webhookDeliveryMethods = ['find'] as const

export type WebhookDeliveryClientService = {
  find(params: { route: { webhook_id: string }; query?: DeliveryQuery }): Promise<DeliveryPage>
}

export const webhookDeliveryClient = (client: ClientApplication) => {
  client.use(webhookDeliveryPath, client.get('connection').service(webhookDeliveryPath), {
    methods: [...webhookDeliveryMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [webhookDeliveryPath]: WebhookDeliveryClientService
  }
}

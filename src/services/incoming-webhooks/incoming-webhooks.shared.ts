// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type {
  CreatedIncomingWebhook,
  IncomingWebhook,
  IncomingWebhookData,
  IncomingWebhookPage,
  IncomingWebhookQuery
} from './incoming-webhooks.schema'

export type {
  CreatedIncomingWebhook,
  IncomingWebhook,
  IncomingWebhookData,
  IncomingWebhookPage,
  IncomingWebhookQuery
}

export const incomingWebhookPath = 'api/webhooks/incoming'
export const incomingWebhookMethods = ['find', 'get', 'create', 'remove'] as const

export type IncomingWebhookClientService = {
  find(params: { query: IncomingWebhookQuery }): Promise<IncomingWebhookPage>
  get(id: string): Promise<IncomingWebhook>
  create(data: IncomingWebhookData): Promise<CreatedIncomingWebhook>
  remove(id: string): Promise<IncomingWebhook>
}

export const incomingWebhookClient = (client: ClientApplication) => {
  client.use(incomingWebhookPath, client.get('connection').service(incomingWebhookPath), {
    methods: [...incomingWebhookMethods]
  })
}

declare module '../../client' {
  interface ServiceTypes {
    [incomingWebhookPath]: IncomingWebhookClientService
  }
}

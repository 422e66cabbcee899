// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type {
  CreatedWebhook,
  WebhookData,
  WebhookPatch,
  WebhookQuery,
  WebhookRecord
} from './webhooks.schema'

export type { CreatedWebhook, WebhookData, WebhookPatch, WebhookQuery, WebhookRecord }

export const webhookPath = 'api/webhooks'
export const webhookMethods = ['find', 'get', 'create', 'patch', 'remove'] as const

export type WebhookClientService = {
  find(params: { query: WebhookQuery & { chat_id: string } }): Promise<WebhookRecord[]>
  get(webhookId: string): Promise<WebhookRecord>
  create(data: WebhookData & { chat_id: string }): Promise<CreatedWebhook>
  patch(webhookId: string, data: WebhookPatch): Promise<WebhookRecord>
  remove(webhookId: string): Promise<WebhookRecord>
}

export const webhookClient = (client: ClientApplication) => {
  client.use(webhookPath, client.get('connection').service(webhookPath), { methods: [...webhookMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [webhookPath]: WebhookClientService
  }
}

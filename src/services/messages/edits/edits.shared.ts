// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { MessageEdit } from './edits.schema'

export type { MessageEdit }

export const messageEditPath = 'api/messages/:message_id/edits'
export const messageEditMethods = ['find'] as const

export type MessageEditClientService = {
  find(params: { route: { message_id: string } }): Promise<MessageEdit[]>
}

export const messageEditClient = (client: ClientApplication) => {
  client.use(messageEditPath, client.get('connection').service(messageEditPath), {
    methods: [...messageEditMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [messageEditPath]: MessageEditClientService
  }
}

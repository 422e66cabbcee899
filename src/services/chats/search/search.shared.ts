import type { Paginated } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../client'
import type { Message, MessageSearchQuery } from '../../messages/messages.schema'

export type { MessageSearchQuery }
export const messageSearchPath = 'api/chats/:chat_id/messages/search'
export const messageSearchMethods = ['find'] as const
export type MessageSearchClientService = {
  find(params: {
    route: { chat_id: string }
    query: MessageSearchQuery
  }): Promise<Paginated<Message & { rank: number }>>
}

export const messageSearchClient = (client: ClientApplication) => {
  client.use(messageSearchPath, client.get('connection').service(messageSearchPath), {
    methods: [...messageSearchMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [messageSearchPath]: MessageSearchClientService
  }
}

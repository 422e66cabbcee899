import type { ClientApplication } from '../../../client'
import type {
  MessageSearchHit,
  MessageSearchPage,
  MessageSearchQuery
} from '../../search/messages/messages.schema'

export type { MessageSearchHit, MessageSearchPage, MessageSearchQuery }
export const messageSearchPath = 'api/chats/:chat_id/messages/search'
export const messageSearchMethods = ['find'] as const
export type MessageSearchClientService = {
  find(params: { route: { chat_id: string }; query: MessageSearchQuery }): Promise<MessageSearchPage>
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

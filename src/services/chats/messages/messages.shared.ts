import type { ClientApplication } from '../../../client'
import type { Message, MessageData, MessagePage, MessageQuery } from '../../messages/messages.schema'

export type { MessageData, MessagePage, MessageQuery }

export const chatMessagePath = 'api/chats/:chat_id/messages'
export const chatMessageMethods = ['find', 'create'] as const

export type ChatMessageClientService = {
  find(params: { route: { chat_id: string }; query?: MessageQuery }): Promise<MessagePage>
  create(data: MessageData, params: { route: { chat_id: string } }): Promise<Message>
}

export const chatMessageClient = (client: ClientApplication) => {
  client.use(chatMessagePath, client.get('connection').service(chatMessagePath), {
    methods: [...chatMessageMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [chatMessagePath]: ChatMessageClientService
  }
}

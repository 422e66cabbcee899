// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type { Chat, ChatPage, ChatQuery } from './chats.schema'

export type { Chat, ChatPage, ChatQuery }

export const chatPath = 'api/chats'
export const chatMethods = ['find', 'get'] as const

export type ChatClientService = {
  find(params?: { query?: ChatQuery }): Promise<ChatPage>
  get(id: string): Promise<Chat>
}

export const chatClient = (client: ClientApplication) => {
  client.use(chatPath, client.get('connection').service(chatPath), { methods: [...chatMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [chatPath]: ChatClientService
  }
}

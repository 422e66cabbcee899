import type { ClientApplication } from '../../../client'
import type { Chat, PrivateChatData } from '../chats.schema'

export type { PrivateChatData }
export const privateChatPath = 'api/chats/private'
export const privateChatMethods = ['create'] as const
export type PrivateChatClientService = { create(data: PrivateChatData): Promise<Chat> }

export const privateChatClient = (client: ClientApplication) => {
  client.use(privateChatPath, client.get('connection').service(privateChatPath), {
    methods: [...privateChatMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [privateChatPath]: PrivateChatClientService
  }
}

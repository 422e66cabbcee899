import type { ClientApplication } from '../../../client'
import type { TypingData, TypingEvent } from '../chats.schema'

export type { TypingData, TypingEvent }
export const typingPath = 'api/chats/:chat_id/typing'
export const typingMethods = ['create'] as const
export const typingEvents = ['typing_start', 'typing_stop']
export type TypingClientService = {
  create(data: TypingData, params: { route: { chat_id: string } }): Promise<TypingEvent & { typing: boolean }>
  on(event: 'typing_start' | 'typing_stop', listener: (event: TypingEvent) => void): void
}

export const typingClient = (client: ClientApplication) => {
  client.use(typingPath, client.get('connection').service(typingPath), {
    methods: [...typingMethods],
    events: typingEvents
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [typingPath]: TypingClientService
  }
}

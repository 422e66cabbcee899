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

// Custom events are not declared on the client service: `on(event)` already listens on the connection, and
// declaring them makes the client's event hook send method results back to the server as events.
export const typingClient = (client: ClientApplication) => {
  client.use(typingPath, client.get('connection').service(typingPath), { methods: [...typingMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [typingPath]: TypingClientService
  }
}

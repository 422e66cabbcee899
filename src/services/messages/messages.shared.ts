// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type { Message, MessagePatch } from './messages.schema'

export type { Message, MessagePatch }

export const messagePath = 'api/messages'
// Sending and history go through `api/chats/:chat_id/messages`; this path reads, edits and deletes one message.
export const messageMethods = ['get', 'update', 'patch', 'remove'] as const

export type MessageClientService = {
  get(id: string): Promise<Message>
  update(id: string, data: MessagePatch): Promise<Message>
  patch(id: string, data: MessagePatch): Promise<Message>
  remove(id: string): Promise<Message>
  /**
   * New, edited and deleted messages of every chat you are in arrive here (src/channels.ts), not on
   * `api/chats/:chat_id/messages`. A type only: the events are the service's standard ones.
   */
  on(event: 'created' | 'patched' | 'removed', listener: (message: Message) => void): void
}

export const messageClient = (client: ClientApplication) => {
  client.use(messagePath, client.get('connection').service(messagePath), { methods: [...messageMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [messagePath]: MessageClientService
  }
}

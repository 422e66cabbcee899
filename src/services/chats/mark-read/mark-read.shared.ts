import type { ClientApplication } from '../../../client'
import type { MarkReadData, ReadReceipt } from '../chats.schema'

export type { MarkReadData, ReadReceipt }
export const markReadPath = 'api/chats/:chat_id/mark-read'
export const markReadMethods = ['update'] as const
export const markReadEvents = ['read']
export type MarkReadClientService = {
  update(id: null, data: MarkReadData, params: { route: { chat_id: string } }): Promise<ReadReceipt>
  on(event: 'read', listener: (receipt: ReadReceipt) => void): void
}

// Custom events are not declared on the client service: `on(event)` already listens on the connection, and
// declaring them makes the client's event hook send method results back to the server as events.
export const markReadClient = (client: ClientApplication) => {
  client.use(markReadPath, client.get('connection').service(markReadPath), { methods: [...markReadMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [markReadPath]: MarkReadClientService
  }
}

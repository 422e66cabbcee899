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

export const markReadClient = (client: ClientApplication) => {
  client.use(markReadPath, client.get('connection').service(markReadPath), {
    methods: [...markReadMethods],
    events: markReadEvents
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [markReadPath]: MarkReadClientService
  }
}

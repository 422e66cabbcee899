// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { MessagePage } from '../messages.schema'
import type { ThreadQuery } from './thread.schema'

export type { ThreadQuery }

export const threadPath = 'api/messages/:message_id/thread'
export const threadMethods = ['find'] as const

export type ThreadClientService = {
  find(params: { route: { message_id: string }; query?: ThreadQuery }): Promise<MessagePage>
}

export const threadClient = (client: ClientApplication) => {
  client.use(threadPath, client.get('connection').service(threadPath), { methods: [...threadMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [threadPath]: ThreadClientService
  }
}

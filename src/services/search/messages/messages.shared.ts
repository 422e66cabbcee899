import type { ClientApplication } from '../../../client'
import type { MessageSearchPage, MessageSearchQuery } from './messages.schema'

export const globalMessageSearchPath = 'api/search/messages'
export const globalMessageSearchMethods = ['find'] as const
export type GlobalMessageSearchClientService = {
  find(params: { query: MessageSearchQuery }): Promise<MessageSearchPage>
}

export const globalMessageSearchClient = (client: ClientApplication) => {
  client.use(globalMessageSearchPath, client.get('connection').service(globalMessageSearchPath), {
    methods: [...globalMessageSearchMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [globalMessageSearchPath]: GlobalMessageSearchClientService
  }
}

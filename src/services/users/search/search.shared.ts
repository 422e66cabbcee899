import type { ClientApplication } from '../../../client'
import type { UserPage } from '../users.schema'
import type { UserSearchQuery } from './search.schema'

export type { UserSearchQuery }
export const userSearchPath = 'api/users/search'
export const userSearchMethods = ['find'] as const
export type UserSearchClientService = { find(params: { query: UserSearchQuery }): Promise<UserPage> }

export const userSearchClient = (client: ClientApplication) => {
  client.use(userSearchPath, client.get('connection').service(userSearchPath), {
    methods: [...userSearchMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [userSearchPath]: UserSearchClientService
  }
}

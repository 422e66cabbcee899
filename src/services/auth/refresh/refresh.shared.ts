import type { ClientApplication } from '../../../client'
import type { RefreshData, TokenPair } from '../auth.schema'

export type { RefreshData }
export const refreshPath = 'api/auth/refresh'
export const refreshMethods = ['create'] as const
export type RefreshClientService = { create(data: RefreshData): Promise<TokenPair> }

export const refreshClient = (client: ClientApplication) => {
  client.use(refreshPath, client.get('connection').service(refreshPath), { methods: [...refreshMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [refreshPath]: RefreshClientService
  }
}

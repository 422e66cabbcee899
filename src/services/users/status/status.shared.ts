import type { ClientApplication } from '../../../client'
import type { StatusData, UserStatus } from './status.schema'

export type { StatusData, UserStatus }
export const statusPath = 'api/users/status'
export const statusMethods = ['update'] as const
export type StatusClientService = { update(id: null, data: StatusData): Promise<UserStatus> }

export const statusClient = (client: ClientApplication) => {
  client.use(statusPath, client.get('connection').service(statusPath), { methods: [...statusMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [statusPath]: StatusClientService
  }
}

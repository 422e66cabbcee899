import type { ClientApplication } from '../../../client'
import type { StatusData, UserStatus } from './status.schema'

export type { StatusData, UserStatus }
export const statusPath = 'api/users/status'
export const statusMethods = ['update'] as const
export const statusEvents = ['user_status']
export type StatusClientService = {
  update(id: null, data: StatusData): Promise<UserStatus>
  on(event: 'user_status', listener: (status: UserStatus) => void): void
}

// Custom events are not declared on the client service: `on(event)` already listens on the connection, and
// declaring them makes the client's event hook send method results back to the server as events.
export const statusClient = (client: ClientApplication) => {
  client.use(statusPath, client.get('connection').service(statusPath), { methods: [...statusMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [statusPath]: StatusClientService
  }
}

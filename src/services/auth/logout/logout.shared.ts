import type { ClientApplication } from '../../../client'
import type { LogoutData, LogoutResult } from '../auth.schema'

export type { LogoutData, LogoutResult }
export const logoutPath = 'api/auth/logout'
export const logoutMethods = ['create'] as const
export type LogoutClientService = { create(data: LogoutData): Promise<LogoutResult> }

export const logoutClient = (client: ClientApplication) => {
  client.use(logoutPath, client.get('connection').service(logoutPath), { methods: [...logoutMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [logoutPath]: LogoutClientService
  }
}

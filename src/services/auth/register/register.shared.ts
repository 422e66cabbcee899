import type { ClientApplication } from '../../../client'
import type { RegisterData } from '../auth.schema'
import type { User } from '../../users/users.schema'

export type { RegisterData }
export const registerPath = 'api/auth/register'
export const registerMethods = ['create'] as const
export type RegisterClientService = { create(data: RegisterData): Promise<User> }

export const registerClient = (client: ClientApplication) => {
  client.use(registerPath, client.get('connection').service(registerPath), { methods: [...registerMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [registerPath]: RegisterClientService
  }
}

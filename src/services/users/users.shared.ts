// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../client'
import type { User, UserData, UserPatch, UserQuery, UserService } from './users.class'

export type { User, UserData, UserPatch, UserQuery }

export type UserClientService = Pick<UserService<Params<UserQuery>>, (typeof userMethods)[number]>

export const userPath = 'api/users'

// Only reads are public: accounts are created by `api/auth/register` and changed through
// `api/users/profile` and `api/users/status`, which call this service internally.
export const userMethods = ['find', 'get'] as const

export const userClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(userPath, connection.service(userPath), { methods: userMethods })
}

declare module '../../client' {
  interface ServiceTypes {
    [userPath]: UserClientService
  }
}

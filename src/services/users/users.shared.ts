// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type { UserSearchClientService } from './search/search.shared'
import type { PublicUser, User, UserClientFindQuery, UserData, UserPatch, UserQuery } from './users.schema'

export type { PublicUser, User, UserClientFindQuery, UserData, UserPatch, UserQuery }

/** `api/users` and `api/users/search` are one service class: `find` answers the same page. */
export type UserFindPage = Awaited<ReturnType<UserSearchClientService['find']>>

export type UserClientService = {
  /** Known users by id: `{ user_id: 'u1' }` or `{ user_id: { $in: ['u1', 'u2'] } }`. */
  find(params: { query: UserClientFindQuery }): Promise<UserFindPage>
  /** One user; `email` is only on your own record. */
  get(id: string): Promise<PublicUser>
}

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

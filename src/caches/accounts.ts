// Owner of the Redis entries JWT authentication reads on every identity-cache miss:
//   user:{user_id}     the user row without its password hash (TTL.user)
//   session:{sid}      a live session's owner, the user_id (TTL.session)
// A changed or removed user is dropped before the change is answered (after-hooks on `api/users`, installed
// below); a session is dropped by the revocation that ends it (auth/refresh-tokens.ts), and both by the
// re-check after a lost event (realtime/resync.ts).
import type { Application, HookContext } from '../declarations'
import type { User } from '../services/users/users.schema'
import { TTL } from './redis-cache'

declare module '../declarations' {
  interface Configuration {
    accounts: AccountCache
  }
}

export class AccountCache {
  constructor(private readonly app: Application) {}

  private get cache() {
    return this.app.get('cache')
  }

  user(userId: string): Promise<User | undefined> {
    return this.cache.get<User>(this.cache.key('user', userId))
  }

  rememberUser(user: User) {
    return this.cache.set(this.cache.key('user', user.user_id), user, TTL.user)
  }

  /** The session's owner; an entry cached before sessions were bound (the value 1) counts as a miss. */
  async sessionOwner(sessionId: string): Promise<string | undefined> {
    const owner = await this.cache.get<unknown>(this.cache.key('session', sessionId))
    return typeof owner === 'string' ? owner : undefined
  }

  rememberSession(sessionId: string, userId: string) {
    return this.cache.set(this.cache.key('session', sessionId), userId, TTL.session)
  }

  forget({ users = [], sessions = [] }: { users?: Iterable<string>; sessions?: Iterable<string> }) {
    const keys = [
      ...[...users].map((id) => this.cache.key('user', id)),
      ...[...sessions].map((id) => this.cache.key('session', id))
    ]
    return keys.length ? this.cache.del(...keys) : Promise.resolve()
  }
}

const forgetChangedUsers = async (context: HookContext) => {
  const users = Array.isArray(context.result) ? context.result : [context.result]
  await context.app.get('accounts').forget({ users: users.map((u: User) => u.user_id) })
}

/** After the services exist: a user's change is answered only once the stale row is gone. */
export const forgetAccountsOnChange = (app: Application) => {
  app.service('api/users').hooks({
    after: { patch: [forgetChangedUsers], update: [forgetChangedUsers], remove: [forgetChangedUsers] }
  })
}

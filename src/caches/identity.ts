// Verified identities, keyed by access token. Every REST request and socket call carries its token and
// runs the JWT strategy: verify, load the user, check the session is live — two lookups (PostgreSQL, or Redis with
// the caches) before the request's own work, about a third of the server's CPU per history page. A token seen
// in the last 30 s reuses that result. Anything that ends or changes the identity drops it at once, on every
// instance, from the same (synced) events that detach sockets (realtime/index.ts): a session ended (logout,
// replay, ban) and a changed or banned user. Every socket call runs the strategy too, so sockets of one login share the entry.
import type { AuthenticationResult } from '@feathersjs/authentication'
import { LRUCache } from 'lru-cache'
import type { Application } from '../declarations'

interface Entry {
  result: AuthenticationResult
  sessionId: string
  userId: string
}

export class IdentityCache {
  /** Least recently used first out past `maxEntries`; each entry lives until its own deadline. */
  private readonly entries: LRUCache<string, Entry>
  private readonly bySession = new Map<string, Set<string>>()
  private readonly byUser = new Map<string, Set<string>>()

  constructor(
    readonly reuseMs = 30_000,
    maxEntries = 10_000
  ) {
    this.entries = new LRUCache<string, Entry>({
      max: maxEntries,
      ttlAutopurge: false,
      // Evicted, expired or replaced: the indexes must not keep pointing at it.
      dispose: (entry, accessToken) => this.unindex(accessToken, entry)
    })
  }

  get(accessToken: string): AuthenticationResult | undefined {
    return this.entries.get(accessToken)?.result
  }

  set(accessToken: string, result: AuthenticationResult, sessionId: string, userId: string, until: number) {
    const ttl = until - Date.now()
    this.entries.delete(accessToken)
    if (ttl <= 0) return
    this.entries.set(accessToken, { result, sessionId, userId }, { ttl })
    this.bySession.set(sessionId, (this.bySession.get(sessionId) ?? new Set()).add(accessToken))
    this.byUser.set(userId, (this.byUser.get(userId) ?? new Set()).add(accessToken))
  }

  forgetSession(sessionId: string) {
    for (const token of [...(this.bySession.get(sessionId) ?? [])]) this.entries.delete(token)
  }

  forgetUser(userId: string) {
    for (const token of [...(this.byUser.get(userId) ?? [])]) this.entries.delete(token)
  }

  /** After a gap in the synced events (realtime/resync.ts): a lost logout or ban may have left any entry wrong. */
  clear() {
    this.entries.clear()
    this.bySession.clear()
    this.byUser.clear()
  }

  get size() {
    return this.entries.size
  }

  private unindex(accessToken: string, entry: Entry) {
    const unindex = (index: Map<string, Set<string>>, key: string) => {
      const tokens = index.get(key)
      tokens?.delete(accessToken)
      if (tokens?.size === 0) index.delete(key)
    }
    unindex(this.bySession, entry.sessionId)
    unindex(this.byUser, entry.userId)
  }
}

/** After the services exist: the events that end or change an identity drop it, on every instance. */
export const forgetIdentitiesOnChange = (app: Application) => {
  const identities = () => app.get('identityCache')
  app
    .service('api/auth/logout')
    .on('ended', ({ session_id }: { session_id: string }) => identities().forgetSession(session_id))
  app.service('api/users').on('patched', (user: { user_id: string }) => identities().forgetUser(user.user_id))
  app
    .service('api/users')
    .on('banned', ({ user_id }: { user_id: string }) => identities().forgetUser(user_id))
}

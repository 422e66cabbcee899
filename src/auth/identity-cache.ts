// Verified identities, keyed by access token. Every REST request and socket call carries its token and
// runs the JWT strategy: verify, load the user, check the session is live — two lookups (PostgreSQL, or Redis with
// the caches) before the request's own work, about a third of the server's CPU per history page. A token seen
// in the last 30 s reuses that result. Anything that ends or changes the identity drops it at once, on every
// instance, from the same (synced) events that detach sockets in channels.ts: a session ended (logout, replay,
// ban) and a changed user. Every socket call runs the strategy too, so sockets of one login share the entry.
import type { AuthenticationResult } from '@feathersjs/authentication'

interface Entry {
  result: AuthenticationResult
  sessionId: string
  userId: string
  until: number
}

export class IdentityCache {
  private readonly entries = new Map<string, Entry>()
  private readonly bySession = new Map<string, Set<string>>()
  private readonly byUser = new Map<string, Set<string>>()

  constructor(
    readonly reuseMs = 30_000,
    private readonly maxEntries = 10_000
  ) {}

  get(accessToken: string): AuthenticationResult | undefined {
    const entry = this.entries.get(accessToken)
    if (entry && Date.now() < entry.until) return entry.result
    if (entry) this.drop(accessToken)
    return undefined
  }

  set(accessToken: string, result: AuthenticationResult, sessionId: string, userId: string, until: number) {
    if (this.entries.size >= this.maxEntries) this.drop(this.entries.keys().next().value!)
    this.drop(accessToken)
    this.entries.set(accessToken, { result, sessionId, userId, until })
    this.bySession.set(sessionId, (this.bySession.get(sessionId) ?? new Set()).add(accessToken))
    this.byUser.set(userId, (this.byUser.get(userId) ?? new Set()).add(accessToken))
  }

  forgetSession(sessionId: string) {
    for (const token of [...(this.bySession.get(sessionId) ?? [])]) this.drop(token)
  }

  forgetUser(userId: string) {
    for (const token of [...(this.byUser.get(userId) ?? [])]) this.drop(token)
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

  private drop(accessToken: string) {
    const entry = this.entries.get(accessToken)
    if (!entry) return
    this.entries.delete(accessToken)
    const unindex = (index: Map<string, Set<string>>, key: string) => {
      const tokens = index.get(key)
      tokens?.delete(accessToken)
      if (tokens?.size === 0) index.delete(key)
    }
    unindex(this.bySession, entry.sessionId)
    unindex(this.byUser, entry.userId)
  }
}

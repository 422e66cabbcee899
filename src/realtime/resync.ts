// Re-checks this instance's live connections against PostgreSQL after a gap in the synced events.
//
// Cross-instance events travel over Redis pub/sub (sync.ts), which is at most once: while this instance's
// subscriber is reconnecting (or another instance could not publish), a "member removed", a logout or a ban
// made elsewhere never arrives, and a removed member's socket here would keep hearing the chat. So after every
// gap (sync.ts emits `sync:gap`) each authenticated connection is checked in bulk: is its session still live,
// is its user not banned, which chats is it in now. Connections leave chats they left, join chats they were
// added to, and are detached (session ended) or closed (banned). The in-process caches that the lost events
// would have corrected (memberships, verified identities) are dropped first.
//
// Queries go per 1,000 users or sessions (three kinds, run side by side), not per connection: 10,000 sockets
// cost about 30 queries. A live event about a user that arrives while the queries run wins over their older
// answer: that user is checked again in another round (the connection book's versions say who).
import type { Application } from '../declarations'
import { chatChannel } from './connections'
import { emitLocally } from './sync'

const CHUNK = 1000
const MAX_ROUNDS = 5
const RETRY_MS = 5000

export interface ResyncReport {
  reason: string
  connections: number
  rounds: number
  left: number
  joined: number
  detached: number
  closed: number
  ms: number
}

const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK))

/** What PostgreSQL says now about these users and sessions. */
const currentState = async (app: Application, userIds: string[], sessionIds: string[]) => {
  const db = app.get('postgresqlClient')
  const live = new Set<string>()
  const banned = new Set<string>()
  const chats = new Map<string, Set<string>>()
  await Promise.all([
    (async () => {
      for (const ids of chunks(sessionIds)) {
        const rows: string[] = await db('refresh_tokens')
          .whereIn('family_id', ids)
          .whereNull('revoked_at')
          .where('expires_at', '>', db.fn.now())
          .distinct()
          .pluck('family_id')
        rows.forEach((id) => live.add(id))
      }
    })(),
    (async () => {
      for (const ids of chunks(userIds)) {
        const rows: string[] = await db('users')
          .whereIn('user_id', ids)
          .whereNotNull('banned_at')
          .pluck('user_id')
        rows.forEach((id) => banned.add(id))
      }
    })(),
    (async () => {
      for (const ids of chunks(userIds)) {
        const rows: Array<{ user_id: string; chat_id: string }> = await db('chat_participants')
          .whereIn('user_id', ids)
          .select('user_id', 'chat_id')
        for (const { user_id, chat_id } of rows)
          chats.set(user_id, (chats.get(user_id) ?? new Set()).add(chat_id))
      }
    })()
  ])
  return { live, banned, chats }
}

export class Resync {
  private pending?: string
  private running?: Promise<void>
  private retry?: NodeJS.Timeout
  private stopped = false
  /** Re-checks finished so far (tests wait for the next one). */
  completed = 0

  constructor(private readonly app: Application) {}

  /** Asks for a re-check; one runs at a time, and requests made meanwhile share one more run after it. */
  request(reason: string): Promise<void> {
    if (this.stopped) return Promise.resolve()
    this.pending = reason
    this.running ??= this.drain().finally(() => (this.running = undefined))
    return this.running
  }

  stop() {
    this.stopped = true
    if (this.retry) clearTimeout(this.retry)
  }

  private async drain() {
    while (this.pending && !this.stopped) {
      const reason = this.pending
      this.pending = undefined
      try {
        const report = await this.run(reason)
        this.app.get('logger').info(report, 'connections re-checked after a gap in synced events')
        this.completed++
        this.app.emit('resync', report)
      } catch (error) {
        // PostgreSQL is down too, most likely: try again a little later rather than give up.
        this.app.get('logger').warn({ err: error, reason }, 'connection re-check failed; retrying')
        clearTimeout(this.retry)
        this.retry = setTimeout(() => void this.request(reason), RETRY_MS).unref()
      }
    }
  }

  /** Entries that a lost event would have dropped: without them every check goes to PostgreSQL again. */
  forgetRemembered() {
    this.app.get('memberships').clear()
    this.app.get('identityCache').clear()
  }

  private async run(reason: string): Promise<ResyncReport> {
    const started = Date.now()
    const book = this.app.get('connectionBook')
    this.forgetRemembered()
    const report: ResyncReport = {
      reason,
      connections: book.size,
      rounds: 0,
      left: 0,
      joined: 0,
      detached: 0,
      closed: 0,
      ms: 0
    }
    let connections = book.authenticated()
    const ended = new Set<string>()
    const bannedSeen = new Set<string>()
    while (connections.length > 0 && report.rounds < MAX_ROUNDS) {
      report.rounds++
      const seen = connections.map((c) => ({ c, userId: c.userId!, sessionId: c.sessionId }))
      const versions = new Map(seen.map(({ userId }) => [userId, book.version(userId)]))
      const userIds = [...versions.keys()]
      const sessionIds = [...new Set(seen.flatMap(({ sessionId }) => (sessionId ? [sessionId] : [])))]
      const { live, banned, chats } = await currentState(this.app, userIds, sessionIds)

      // No await from here on: nothing can change between the version checks and the changes they allow.
      const changedMeanwhile = new Set(userIds.filter((id) => book.version(id) !== versions.get(id)))
      connections = []
      for (const { c, userId, sessionId } of seen) {
        // Detached or re-authenticated since: that path read its own, newer state.
        if (c.userId !== userId || c.sessionId !== sessionId) continue
        if (changedMeanwhile.has(userId)) {
          connections.push(c)
          continue
        }
        if (banned.has(userId)) {
          // The ban's event never arrived here: it is replayed, so the user's connections hear `banned`
          // (channels.ts) before they close, as they do when the event arrives.
          if (!bannedSeen.has(userId)) emitLocally(this.app, 'api/users', 'banned', { user_id: userId })
          bannedSeen.add(userId)
          if (sessionId) ended.add(sessionId)
          book.detach(c) // hears nothing from now on; closed once the current tick is done
          setImmediate(() => c.disconnect?.())
          report.closed++
        } else if (!sessionId || !live.has(sessionId)) {
          if (sessionId) ended.add(sessionId)
          book.detach(c)
          report.detached++
        } else {
          const member = chats.get(userId) ?? new Set<string>()
          for (const chatId of book.chatsOf(c)) {
            if (member.has(chatId)) continue
            book.exit(chatChannel(chatId), c)
            report.left++
          }
          const current = new Set(book.chatsOf(c))
          for (const chatId of member) {
            if (current.has(chatId)) continue
            book.enter(chatChannel(chatId), c)
            report.joined++
          }
        }
      }
    }
    // The Redis entries the lost event's instance may have failed to delete (Redis was down for it too): a
    // detached socket re-authenticating with its old token must not find its ended session or unbanned self there.
    await this.app.get('accounts').forget({ sessions: ended, users: bannedSeen })
    report.ms = Date.now() - started
    return report
  }
}

/** Registers the re-check and runs it whenever sync.ts reports a gap. */
export const resyncConnections = (app: Application) => {
  const resync = new Resync(app)
  app.set('resync', resync)
  app.on('sync:gap', (reason: string) => {
    if (app.get('connectionBook').size > 0) void resync.request(reason)
    else resync.forgetRemembered() // REST-only clients too: their verified identities may rest on a lost event
  })
  app.hooks({
    teardown: [
      async (_context: any, next: any) => {
        resync.stop()
        await next()
      }
    ]
  })
}

declare module '../declarations' {
  interface Configuration {
    resync: Resync
  }
}

// Bookkeeping of this instance's authenticated real-time connections, used by channels.ts (which decides who
// hears what) and resync.ts (which re-checks them against PostgreSQL after a gap in the synced events).
//  - the channels each connection joined, so leaving costs what the connection joined, not a walk over
//    every channel of the instance (a combined channel of all of them cost ~18 ms per disconnect at 10,000
//    sockets);
//  - the connections of each session, so a logout detaches exactly those;
//  - a version per user, bumped by every change to that user's connections, so a re-check that read
//    PostgreSQL before a live event about that user does not undo the event with its older answer.
// One book per app (not module state): several instances in one process (tests, bench) must not see each
// other's connections.
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application } from '../declarations'

export type ChatConnection = RealTimeConnection & {
  userId?: string
  sessionId?: string
  /** Closes the underlying socket (set in app.ts; not enumerable, so never serialized). */
  disconnect?: () => void
  /** Joins/leaves the Socket.IO room of the same name (set in app.ts; not enumerable). */
  room?: { join: (name: string) => void; leave: (name: string) => void }
}

export const userChannel = (userId: string) => `users/${userId}`
export const chatChannel = (chatId: string) => `chats/${chatId}`
const CHAT_PREFIX = 'chats/'

export class ConnectionBook {
  private readonly joined = new WeakMap<RealTimeConnection, Set<string>>()
  /** Connections that have joined every chat of their user (attach, then the chat channels, then this). */
  private readonly complete = new WeakSet<RealTimeConnection>()
  private readonly sessions = new Map<string, Set<ChatConnection>>()
  private readonly live = new Set<ChatConnection>()
  private readonly versions = new Map<string, number>()

  constructor(private readonly app: Application) {}

  /** A change concerning this user's connections happened (or is about to). */
  touch(userId: string) {
    this.versions.set(userId, (this.versions.get(userId) ?? 0) + 1)
  }

  version(userId: string) {
    return this.versions.get(userId) ?? 0
  }

  enter(name: string, connection: ChatConnection) {
    this.app.channel(name).join(connection)
    if (name.startsWith(CHAT_PREFIX)) connection.room?.join(name)
    const names = this.joined.get(connection) ?? new Set<string>()
    this.joined.set(connection, names.add(name))
    if (connection.userId) this.touch(connection.userId)
  }

  exit(name: string, connection: ChatConnection) {
    this.app.channel(name).leave(connection)
    connection.room?.leave(name)
    this.joined.get(connection)?.delete(name)
    if (connection.userId) this.touch(connection.userId)
  }

  /** Records who a connection now is (after an authentication over it). */
  attach(connection: ChatConnection, userId: string, sessionId: string | undefined) {
    if (connection.userId && connection.userId !== userId) this.detach(connection)
    if (connection.sessionId && connection.sessionId !== sessionId) this.forgetSession(connection)
    connection.userId = userId
    connection.sessionId = sessionId
    if (sessionId) this.sessions.set(sessionId, (this.sessions.get(sessionId) ?? new Set()).add(connection))
    this.live.add(connection)
    this.touch(userId)
  }

  /** Detaches a connection from every channel it joined: it hears nothing until it authenticates again. */
  detach(connection: ChatConnection) {
    const { userId } = connection
    for (const name of this.joined.get(connection) ?? []) {
      this.app.channel(name).leave(connection)
      connection.room?.leave(name)
    }
    this.joined.delete(connection)
    this.complete.delete(connection)
    this.forgetSession(connection)
    this.live.delete(connection)
    this.app.get('socketCap')?.release(connection, userId)
    delete connection.userId
    delete connection.sessionId
    if (userId) {
      // Versions only matter while the user has a connection here (keeps the map from growing forever);
      // a re-check also skips connections that were detached since it started.
      if (this.app.channel(userChannel(userId)).length === 0) this.versions.delete(userId)
      else this.touch(userId)
      void this.app.get('presenceTracker').disconnected(userId, connection)
    }
  }

  /** The connection is in all its user's chat channels; membership events keep it so from now on. */
  joinedAll(connection: ChatConnection) {
    this.complete.add(connection)
  }

  /**
   * The chats of a user with a fully joined connection here (every such connection is in the same chats),
   * or undefined: the caller asks PostgreSQL instead.
   */
  chatsOfUser(connections: ChatConnection[]): string[] | undefined {
    const joined = connections.find((c) => this.complete.has(c))
    return joined ? this.chatsOf(joined) : undefined
  }

  /** The chat ids whose channel this connection is in. */
  chatsOf(connection: ChatConnection): string[] {
    const chats: string[] = []
    for (const name of this.joined.get(connection) ?? [])
      if (name.startsWith(CHAT_PREFIX)) chats.push(name.slice(CHAT_PREFIX.length))
    return chats
  }

  connectionsOfSession(sessionId: string): ChatConnection[] {
    return [...(this.sessions.get(sessionId) ?? [])]
  }

  /** Every authenticated connection of this instance, as a copy (callers detach while iterating). */
  authenticated(): ChatConnection[] {
    return [...this.live]
  }

  get size() {
    return this.live.size
  }

  private forgetSession(connection: ChatConnection) {
    const { sessionId } = connection
    if (!sessionId) return
    const set = this.sessions.get(sessionId)
    set?.delete(connection)
    if (set?.size === 0) this.sessions.delete(sessionId)
  }
}

declare module '../declarations' {
  interface Configuration {
    connectionBook: ConnectionBook
  }
}

// Presence on this instance: a user is online while at least one of their connections is authenticated.
// The first connection turns `offline` into `online` (a chosen `away` / `dnd` stays); the last one sets
// `offline` and `last_seen`. Every change is announced as `user_status` by the status service.
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application } from './declarations'
import type { UserStatus } from './services/users/status/status.schema'

export const statusPath = 'api/users/status'

export class Presence {
  private readonly connections = new Map<string, Set<RealTimeConnection>>()

  constructor(private readonly app: Application) {}

  isOnline(userId: string) {
    return (this.connections.get(userId)?.size ?? 0) > 0
  }

  async connected(userId: string, connection: RealTimeConnection) {
    const set = this.connections.get(userId) ?? new Set()
    const first = set.size === 0
    set.add(connection)
    this.connections.set(userId, set)
    if (!first) return
    const db = this.app.get('postgresqlClient')
    const [row] = await db('users')
      .where({ user_id: userId, status: 'offline' })
      .update({ status: 'online', updated_at: db.fn.now() })
      .returning(['user_id', 'status', 'last_seen'])
    if (row) this.announce(row)
  }

  async disconnected(userId: string, connection: RealTimeConnection) {
    const set = this.connections.get(userId)
    if (!set?.delete(connection) || set.size > 0) return
    this.connections.delete(userId)
    const db = this.app.get('postgresqlClient')
    const [row] = await db('users')
      .where({ user_id: userId })
      .update({ status: 'offline', last_seen: db.fn.now(), updated_at: db.fn.now() })
      .returning(['user_id', 'status', 'last_seen'])
    if (row) this.announce(row)
  }

  announce(status: UserStatus) {
    this.app.service(statusPath).emit('user_status', status)
  }
}

declare module './declarations' {
  interface Configuration {
    presence: Presence
  }
}

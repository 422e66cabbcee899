// What a new socket's authentication reads from PostgreSQL when the caches miss: its user row, the owner of
// its session, and the chats it joins. Lookups requested in the same tick go out as one query each
// (`= ANY(...)`, DataLoader), so a connection storm costs a few statements per tick instead of three per socket
// through a pool of ten (the storm benchmark: half the server's time was waiting for that pool). Nothing is
// cached here (`cache: false`): each lookup reads the committed state at the time of its batch, as the
// single-row queries did; the caches in front of these are src/caches/accounts.ts.
import DataLoader from 'dataloader'
import type { Knex } from 'knex'
import type { User } from '../services/users/users.schema'

export interface ChatMembership {
  chat_id: string
  muted_until: string | Date | null
}

/** Keys per statement at most: a storm's tick can hold thousands of sockets. */
const MAX_BATCH = 500

const grouped = <Row, Value>(
  keys: readonly string[],
  rows: Row[],
  keyOf: (row: Row) => string,
  valueOf: (row: Row) => Value
) => {
  const byKey = new Map<string, Value[]>()
  for (const row of rows) {
    const list = byKey.get(keyOf(row))
    if (list) list.push(valueOf(row))
    else byKey.set(keyOf(row), [valueOf(row)])
  }
  return keys.map((key) => byKey.get(key) ?? [])
}

export class IdentityLookups {
  private readonly users: DataLoader<string, User | undefined>
  private readonly sessions: DataLoader<string, string | undefined>
  private readonly chats: DataLoader<string, ChatMembership[]>

  /** `db`: the app's client, read at each batch (the app may swap it, e.g. PGlite's share in tests). */
  constructor(db: () => Knex) {
    const options = { cache: false, maxBatchSize: MAX_BATCH }
    this.users = new DataLoader(async (ids) => {
      const rows: Array<User & { password_hash?: string }> = await db()('users').whereIn('user_id', [...ids])
      return grouped(
        ids,
        rows,
        (row) => row.user_id,
        ({ password_hash: _hash, ...user }) => user as User
      ).map((found) => found[0])
    }, options)
    this.sessions = new DataLoader(async (familyIds) => {
      const rows: Array<{ family_id: string; user_id: string }> = await db()('refresh_tokens')
        .whereIn('family_id', [...familyIds])
        .whereNull('revoked_at')
        .where('expires_at', '>', db().fn.now())
        .select('family_id', 'user_id')
      return grouped(
        familyIds,
        rows,
        (row) => row.family_id,
        (row) => row.user_id
      ).map((owners) => owners[0])
    }, options)
    this.chats = new DataLoader(async (userIds) => {
      const rows: Array<ChatMembership & { user_id: string }> = await db()('chat_participants')
        .whereIn('user_id', [...userIds])
        .select('user_id', 'chat_id', 'muted_until')
      return grouped(
        userIds,
        rows,
        (row) => row.user_id,
        ({ chat_id, muted_until }) => ({ chat_id, muted_until })
      )
    }, options)
  }

  /** The user row without its password hash, or undefined when there is none. */
  user(userId: string) {
    return this.users.load(userId)
  }

  /** The user a live (not revoked, not expired) session belongs to, or undefined. */
  sessionOwner(familyId: string) {
    return this.sessions.load(familyId)
  }

  /** The chats the user is a member of, each with the user's mute there (null when not muted). */
  membershipsOf(userId: string) {
    return this.chats.load(userId)
  }

  /** The ids of the chats the user is a member of. */
  async chatIdsOf(userId: string) {
    return (await this.chats.load(userId)).map((membership) => membership.chat_id)
  }
}

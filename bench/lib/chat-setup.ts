// Setup for the realtime benchmarks: users seeded in SQL (the API path is not what is timed), logged in through
// the REST API, groups and private chats created through the REST API.
// The seeded password hash is a bcrypt hash of cost 4 computed once: bcrypt.compare works at the cost written
// in the hash, so each login costs ~1 ms instead of ~100 ms (bcryptjs, cost 10), and 1,000 logins take seconds.
import bcrypt from 'bcryptjs'
import type { Knex } from 'knex'
import { ulid } from 'ulid'

export const benchPassword = 'bench-password'

export interface BenchUser {
  user_id: string
  email: string
  name: string
}

/**
 * B0 clients standing for our users: the same user ids, names and chat id, so B0's messages have our messages'
 * bytes (ULID ids, the seeded names), not shorter stand-ins; a socket write costs by the byte on loopback.
 */
export const baselineClientsFor = (url: string, users: { user_id: string; name: string }[], chatId: string) =>
  users.map((u) => ({ url, userId: u.user_id, token: `baseline:${u.user_id}:${chatId}:${u.name}` }))

/** Runs `fn` over `items` with at most `concurrency` at a time; results in order. */
export const mapLimit = async <T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<R>
) => {
  const results = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i], i)
      }
    })
  )
  return results
}

export const seedUsers = async (db: Knex, count: number, prefix: string): Promise<BenchUser[]> => {
  const hash = await bcrypt.hash(benchPassword, 4)
  const users = Array.from({ length: count }, (_, i) => ({
    user_id: ulid(),
    email: `${prefix}-${i}@bench.test`,
    name: `${prefix} ${i}`
  }))
  await db.batchInsert(
    'users',
    users.map((u) => ({ ...u, password_hash: hash })),
    500
  )
  return users
}

export const api = async (base: string, method: string, path: string, body?: unknown, token?: string) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const json: any = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json?.message ?? ''}`)
  return json
}

/** One REST login per user; returns their access tokens. */
export const loginAll = (base: string, users: BenchUser[], concurrency = 16): Promise<string[]> =>
  mapLimit(users, concurrency, async (u) => {
    const result = await api(base, 'POST', '/api/auth/login', { email: u.email, password: benchPassword })
    return result.access_token as string
  })

export const createGroup = async (base: string, ownerToken: string, memberIds: string[]) => {
  const group = await api(
    base,
    'POST',
    '/api/groups',
    { name: 'bench fan-out', member_ids: memberIds },
    ownerToken
  )
  return { groupId: group.group_id as string, chatId: group.chat_id as string }
}

/** Private chats between users 2k and 2k+1; returns the chat id of each pair. */
export const createPairChats = (base: string, users: BenchUser[], tokens: string[], concurrency = 8) =>
  mapLimit(
    Array.from({ length: Math.floor(users.length / 2) }, (_, k) => k),
    concurrency,
    async (k) => {
      const chat = await api(
        base,
        'POST',
        '/api/chats/private',
        { user_id: users[2 * k + 1].user_id },
        tokens[2 * k]
      )
      return chat.chat_id as string
    }
  )

/** Backend PIDs of the connections to one database (CPU accounting). */
export const backendPids = async (db: Knex) => {
  const { rows } = await db.raw(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'
  )
  return rows.map((r: { pid: number }) => r.pid)
}

/** How many of the acknowledged message ids are stored. */
export const countPersisted = async (db: Knex, ids: string[]) => {
  let found = 0
  for (let i = 0; i < ids.length; i += 5000) {
    const { rows } = await db.raw('SELECT count(*)::int AS n FROM messages WHERE message_id = ANY(?)', [
      ids.slice(i, i + 5000)
    ])
    found += rows[0].n
  }
  return found
}

/**
 * Diagnostics for the load driver: the servers' knex pool (GET /metrics, summed over the instances) and what the
 * database's active backends are waiting on (pg_stat_activity; `CPU` = not waiting).
 */
export const serverSampler = (db: Knex, serverUrls: string[]) => async () => {
  const sample: Record<string, number> = {}
  for (const url of serverUrls) {
    const text = await fetch(`${url}/metrics`).then((r) => r.text())
    for (const state of ['used', 'pending']) {
      const value = new RegExp(`chat_db_pool_connections\\{state="${state}"\\} (\\d+)`).exec(text)?.[1]
      sample[`pool ${state}`] = (sample[`pool ${state}`] ?? 0) + Number(value ?? 0)
    }
  }
  const { rows } = await db.raw(
    `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`
  )
  for (const row of rows) sample[`pg ${row.w}`] = row.n
  return sample
}

// Setup for the storm scenarios (bench/storms.ts), in SQL: users, their chats, and one live session per user
// with an access token of its own, so every socket of a storm presents a distinct token that the server has
// never verified (no shared identity, verified-token or session cache entry).
//
// Chats as in bench/idle.ts: each user is in 4 private chats (ring neighbours ±1, ±2) and 1 group of 10, so an
// authenticated connection joins 7 channels. Optional sender users are each added to a share of the groups.
//
// Tokens: a session is a `refresh_tokens` row (one family per login, src/auth/refresh-tokens.ts); the JWT
// strategy (SessionJwtStrategy in src/authentication.ts) verifies the signature, audience and issuer, loads the
// user `sub`, and checks that the session `sid` is live and belongs to that user. The tokens are signed here with
// the server's secret and the header and claims of a token the server itself issued through a REST login
// (`mintTokens`), so they are exactly what a login would return, minus the login's bcrypt and INSERT.
import { randomBytes, randomUUID } from 'node:crypto'
import bcrypt from 'bcryptjs'
import jwt from 'jsonwebtoken'
import type { Knex } from 'knex'
import { ulid } from 'ulid'
import { benchPassword } from './chat-setup'

export const STORM_JWT_SECRET = 'bench-secret-storms-not-for-production'

export interface StormUser {
  user_id: string
  email: string
  session_id: string
  chats: string[]
}

export interface StormWorld {
  users: StormUser[]
  senders: StormUser[]
  groups: string[]
}

const GROUP_SIZE = 10

/** One live session (a `refresh_tokens` family) per user, valid for a week. */
export const seedSessions = async (db: Knex, users: Array<{ user_id: string; session_id: string }>) => {
  const expires = new Date(Date.now() + 7 * 86400_000).toISOString()
  await db.batchInsert(
    'refresh_tokens',
    users.map((u) => ({
      user_id: u.user_id,
      token_hash: randomBytes(32).toString('hex'),
      family_id: u.session_id,
      expires_at: expires
    })),
    1000
  )
}

/** `count` users in 5 chats each; `senders` more users, sender k in every group g with g % senders = k. */
export const seedWorld = async (
  db: Knex,
  count: number,
  prefix: string,
  senders = 0
): Promise<StormWorld> => {
  const hash = bcrypt.hashSync(benchPassword, 4)
  const make = (label: string, i: number) => ({
    user_id: ulid(),
    email: `${prefix}-${label}${i}@bench.test`,
    session_id: ulid(),
    chats: [] as string[]
  })
  const users = Array.from({ length: count }, (_, i) => make('u', i))
  const senderUsers = Array.from({ length: senders }, (_, i) => make('s', i))
  const everyone = [...users, ...senderUsers]
  await db.batchInsert(
    'users',
    everyone.map((u) => ({ user_id: u.user_id, email: u.email, name: u.email, password_hash: hash })),
    1000
  )
  await seedSessions(db, everyone)

  const chats: any[] = []
  const participants: Array<{ chat_id: string; user_id: string }> = []
  const join = (chat_id: string, user: StormUser) => {
    participants.push({ chat_id, user_id: user.user_id })
    user.chats.push(chat_id)
  }
  for (let i = 0; i < count; i++) {
    for (const step of [1, 2]) {
      const pair = [users[i], users[(i + step) % count]]
      if (pair[0] === pair[1]) continue
      const chat_id = ulid()
      const key = pair
        .map((u) => u.user_id)
        .sort()
        .join(':')
      chats.push({ chat_id, type: 'private', private_key: key, created_by: pair[0].user_id })
      for (const user of pair) join(chat_id, user)
    }
  }
  const groups: any[] = []
  const groupMembers: any[] = []
  const groupChats: string[] = []
  for (let g = 0; g * GROUP_SIZE < count; g++) {
    const members = [...users.slice(g * GROUP_SIZE, g * GROUP_SIZE + GROUP_SIZE)]
    if (senders) members.push(senderUsers[g % senders])
    const chat_id = ulid()
    const group_id = ulid()
    groupChats.push(chat_id)
    chats.push({ chat_id, type: 'group', name: `${prefix} group ${g}`, created_by: members[0].user_id })
    groups.push({
      group_id,
      chat_id,
      name: `${prefix} group ${g}`,
      owner_id: members[0].user_id,
      member_count: members.length
    })
    members.forEach((user, k) => {
      join(chat_id, user)
      groupMembers.push({ group_id, user_id: user.user_id, role: k === 0 ? 'owner' : 'member' })
    })
  }
  await db.batchInsert('chats', chats, 1000)
  await db.batchInsert('chat_participants', participants, 2000)
  await db.batchInsert('groups', groups, 1000)
  await db.batchInsert('group_members', groupMembers, 2000)
  return { users, senders: senderUsers, groups: groupChats }
}

/**
 * One access token per user, for the user's seeded session. The header and the claims other than `sub`, `sid`
 * and `jti` are copied from a token `baseUrl` issues to `template` on a REST login, and its lifetime is kept.
 */
export const mintTokens = async (
  baseUrl: string,
  template: { email: string },
  users: Array<{ user_id: string; session_id: string }>
) => {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: template.email, password: benchPassword })
  })
  const body: any = await res.json()
  if (res.status !== 200 || !body.access_token)
    throw new Error(`template login: ${res.status} ${JSON.stringify(body)}`)
  const issued = jwt.decode(body.access_token, { complete: true })
  if (!issued || typeof issued.payload === 'string') throw new Error('template token: not a JWT')
  const { aud, iss, iat, exp } = issued.payload
  const header = issued.header
  const options: jwt.SignOptions = {
    algorithm: header.alg as jwt.Algorithm,
    header: { ...header, alg: header.alg as jwt.Algorithm },
    expiresIn: (exp ?? 0) - (iat ?? 0),
    ...(aud ? { audience: aud } : {}),
    ...(iss ? { issuer: iss } : {})
  }
  return users.map((u) =>
    jwt.sign({ sid: u.session_id }, STORM_JWT_SECRET, { ...options, subject: u.user_id, jwtid: randomUUID() })
  )
}

/**
 * A session seeded in SQL for each user and an access token minted for it: what a REST login per user would
 * return, in a fraction of the time (the server must run with JWT_SECRET=STORM_JWT_SECRET).
 */
export const seededTokens = async (
  db: Knex,
  baseUrl: string,
  users: Array<{ user_id: string; email: string }>
) => {
  const sessions = users.map((u) => ({ ...u, session_id: ulid() }))
  await seedSessions(db, sessions)
  return mintTokens(baseUrl, users[0], sessions)
}

/** The bare baseline's fake token: the socket joins a room per listed chat. */
export const baselineToken = (u: StormUser) => `baseline:${u.user_id}:${u.chats.join(',')}`

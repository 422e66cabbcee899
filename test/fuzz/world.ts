// The seeded world the fuzz test runs in: Alice (the caller), Bob (her contact: a private chat and a group
// with messages) and Carol and Dave (a private chat, a group and a message Alice must never reach). A call
// that destroys part of Alice's world (a delete, a leave, a logout) makes the test seed it again.
import type { Knex } from 'knex'
import { createGroup, createUser, http, openPrivateChat, sendText, type TestUser } from '../helpers'

// A 1×1 PNG: an upload whose type is sniffed from real bytes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
)

export interface World {
  alice: TestUser
  bob: TestUser
  carol: TestUser
  /** Ids by route parameter name (`chat_id`, `group_id`, ...): Alice's own, then other people's. */
  mine: Record<string, string[]>
  theirs: Record<string, string[]>
  /** Every real id in the world, for any parameter. */
  allIds: () => string[]
}

const upload = async (url: string, user: TestUser) => {
  const form = new FormData()
  form.append('purpose', 'message')
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'dot.png')
  const res = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.access_token}` },
    body: form
  })
  const body = await res.json()
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`)
  return body.file_id as string
}

/** Alice's part of the world, built again after a fuzz case deleted or left some of it. */
const aliceWorld = async (url: string, alice: TestUser, bob: TestUser) => {
  const group = await createGroup(url, alice, 'fuzz group', [bob])
  const direct = (await openPrivateChat(url, alice, bob)).chat_id
  const messages = [
    (await sendText(url, alice, group.chat_id, 'hello group')).message_id,
    (await sendText(url, bob, group.chat_id, 'hello from bob')).message_id,
    (await sendText(url, alice, direct, 'hello bob')).message_id
  ]
  return {
    chat_id: [group.chat_id, direct],
    group_id: [group.group_id],
    message_id: messages,
    member_id: [bob.user_id, alice.user_id],
    user_id: [alice.user_id, bob.user_id],
    file_id: [await upload(url, alice)]
  }
}

export const seedWorld = async (url: string): Promise<World> => {
  const alice = await createUser(url, 'Fuzz Alice')
  const bob = await createUser(url, 'Fuzz Bob')
  const carol = await createUser(url, 'Fuzz Carol')
  const dave = await createUser(url, 'Fuzz Dave')
  const theirGroup = await createGroup(url, carol, 'not for alice', [dave])
  const theirChat = (await openPrivateChat(url, carol, dave)).chat_id
  const theirs = {
    chat_id: [theirGroup.chat_id, theirChat],
    group_id: [theirGroup.group_id],
    message_id: [(await sendText(url, carol, theirChat, 'secret')).message_id],
    member_id: [carol.user_id, dave.user_id],
    user_id: [carol.user_id],
    file_id: [await upload(url, carol)]
  }
  const world: World = {
    alice,
    bob,
    carol,
    mine: await aliceWorld(url, alice, bob),
    theirs,
    allIds: () => [...Object.values(world.mine).flat(), ...Object.values(world.theirs).flat()]
  }
  return world
}

const login = async (url: string, world: World) => {
  const res = await http(url, 'POST', '/api/auth/login', {
    body: { email: world.alice.email, password: world.alice.password }
  })
  if (res.status >= 300) throw new Error(`login failed: ${res.status} ${res.text}`)
  world.alice.access_token = res.body.access_token
  world.alice.refresh_token = res.body.refresh_token
}

/**
 * Rebuilds what an accepted call at `path` may have taken from Alice: her session (a logout), a file, a
 * message, or her group (deleted, left, or Bob removed). Only that part: a full reseed costs ~8 requests.
 */
export const repair = async (url: string, world: World, path: string) => {
  if (/logout|authentication/.test(path)) return login(url, world)
  // A call may also have ended the session as a side effect; every repair below needs it.
  const probe = await http(url, 'GET', '/api/users/profile', { token: world.alice.access_token })
  if (probe.status === 401) await login(url, world)
  const { alice, bob, mine } = world
  if (/files|uploads/.test(path)) mine.file_id = [await upload(url, alice)]
  else if (/messages/.test(path))
    mine.message_id = [(await sendText(url, alice, mine.chat_id[0], 'again')).message_id]
  else if (/groups/.test(path)) {
    const group = await createGroup(url, alice, 'fuzz group', [bob])
    mine.group_id = [group.group_id]
    mine.chat_id = [group.chat_id, mine.chat_id[1]]
    mine.message_id = [(await sendText(url, alice, group.chat_id, 'hello group')).message_id]
  }
}

const TABLES = [
  'chats',
  'chat_participants',
  'messages',
  'groups',
  'group_members',
  'files',
  'refresh_tokens'
]

/**
 * A fingerprint of every stored row: each table's row count and newest row version (`xmin` changes on every
 * insert and update, the count on every delete). Users are fingerprinted on their account columns only:
 * presence writes `status` and `last_seen` by itself, after a socket connects or drops.
 */
export const fingerprint = async (db: Knex) => {
  const parts = TABLES.map(
    (table) => `(select count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from ${table}) as ${table}`
  )
  const users = `(select count(*) || ':' || coalesce(md5(string_agg(
      concat_ws('|', user_id, name, email, password_hash, avatar_url, bio, banned_at), ',' order by id)), '')
    from users) as users`
  const { rows } = await db.raw(`select ${[...parts, users].join(', ')}`)
  return JSON.stringify(rows[0])
}

// The authorization matrix: every chat, message and group route, for five kinds of caller, as data.
// Each row [route, caller, expected status] becomes one `it`, so every cell of the matrix is reported.
// Reads run against one shared group; every row that can change state gets a fresh group of its own.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  assertNoSecretsSeen,
  createUser,
  http,
  openPrivateChat,
  seenBodies,
  sendText,
  socketClient,
  startServer,
  type HttpResult,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

type Caller = 'anonymous' | 'outsider' | 'member' | 'admin' | 'owner'
type Signed = Exclude<Caller, 'anonymous'>
/** Who sent the messages of a world: the three callers, plus a second admin and a second plain member. */
type Sender = 'owner' | 'admin' | 'admin2' | 'member' | 'member2'

const CALLERS: Caller[] = ['anonymous', 'outsider', 'member', 'admin', 'owner']

/** The same users in every world: their roles in each fresh group are the same. */
interface Cast {
  owner: TestUser
  admin: TestUser
  admin2: TestUser
  member: TestUser
  member2: TestUser
  outsider: TestUser
  /** In no group: the user added by the "add a member" rows. */
  spare: TestUser
}

/**
 * One group with its chat and messages, plus the private chat of member and member2. Every message and
 * the group name carry `nonce`, so "this body leaks nothing" is `!text.includes(nonce)`.
 */
interface World {
  nonce: string
  group_id: string
  chat_id: string
  name: string
  msg: Record<Sender, string>
  private_chat_id: string
  /** member2's message in the private chat of member and member2. */
  private_msg: string
}

const createCast = async (url: string): Promise<Cast> => ({
  owner: await createUser(url, 'Matrix Owner'),
  admin: await createUser(url, 'Matrix Admin'),
  admin2: await createUser(url, 'Matrix Second Admin'),
  member: await createUser(url, 'Matrix Member'),
  member2: await createUser(url, 'Matrix Second Member'),
  outsider: await createUser(url, 'Matrix Outsider'),
  spare: await createUser(url, 'Matrix Spare')
})

const expectStatus = (res: HttpResult, status: number, what: string) => {
  if (res.status !== status) throw new Error(`fixture: ${what} answered ${res.status} ${res.text}`)
  return res.body
}

const buildWorld = async (url: string, cast: Cast): Promise<World> => {
  const nonce = `zq${randomBytes(6).toString('hex')}`
  const name = `Hush ${nonce}`
  const group = expectStatus(
    await http(url, 'POST', '/api/groups', {
      token: cast.owner.access_token,
      body: { name, description: `about ${nonce}`, member_ids: [cast.member.user_id, cast.member2.user_id] }
    }),
    201,
    'create group'
  )
  expectStatus(
    await http(url, 'POST', `/api/groups/${group.group_id}/members`, {
      token: cast.owner.access_token,
      body: { user_ids: [cast.admin.user_id, cast.admin2.user_id], role: 'admin' }
    }),
    201,
    'add admins'
  )
  const msg = {} as Record<Sender, string>
  for (const sender of ['owner', 'admin', 'admin2', 'member', 'member2'] as const) {
    msg[sender] = (
      await sendText(url, cast[sender], group.chat_id, `${sender} whispers ${nonce} in the group`)
    ).message_id
  }
  const privateChat = await openPrivateChat(url, cast.member, cast.member2)
  const privateMsg = (
    await sendText(url, cast.member2, privateChat.chat_id, `member2 confides ${nonce} privately`)
  ).message_id
  return {
    nonce,
    group_id: group.group_id,
    chat_id: group.chat_id,
    name,
    msg,
    private_chat_id: privateChat.chat_id,
    private_msg: privateMsg
  }
}

/** What can change, as the owner (group) and the members (messages) see it. */
const snapshot = async (url: string, cast: Cast, w: World) => {
  const group = await http(url, 'GET', `/api/groups/${w.group_id}`, { token: cast.owner.access_token })
  const messages = await http(url, 'GET', `/api/chats/${w.chat_id}/messages`, {
    token: cast.member.access_token
  })
  const privateMessages = await http(url, 'GET', `/api/chats/${w.private_chat_id}/messages`, {
    token: cast.member.access_token
  })
  const pick = (page: HttpResult) =>
    page.status === 200
      ? page.body.data.map((m: any) => [m.message_id, m.content, m.edited_at, m.deleted_at])
      : page.status
  return {
    group:
      group.status === 200
        ? {
            name: group.body.name,
            description: group.body.description,
            avatar_url: group.body.avatar_url,
            owner_id: group.body.owner_id,
            member_count: group.body.member_count,
            members: group.body.members.map((m: any) => [m.user_id, m.role])
          }
        : group.status,
    messages: pick(messages),
    // Only the messages of this world: the private chat is shared by every world.
    privateMessages: pick(privateMessages).filter?.((m: any[]) => m[0] === w.private_msg)
  }
}

interface RowContext {
  url: string
  cast: Cast
  w: World
  caller: Caller
  /** The caller's user, or (anonymous) the member's: whose id a "themself" row names. */
  self: TestUser
  token?: string
  /** What the route's `prepare` set up for this row (e.g. a message id). */
  target?: string
}

interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: (ctx: RowContext) => string
  body?: (ctx: RowContext) => unknown
  /** Extra fixture for this row only; its result becomes `ctx.target`. */
  prepare?: (ctx: RowContext) => Promise<string>
  /** Gets a fresh world even though it is a read (its check depends on recency). Non-GETs always do. */
  fresh?: boolean
  /** More checks on a 2xx answer: the content, and the state it left. */
  ok?: (res: HttpResult, ctx: RowContext) => void | Promise<void>
}

/** The caller's own message in the group; callers without one (anonymous, outsider) aim at the member's. */
const ownMessage = ({ w, caller }: RowContext) =>
  caller === 'anonymous' || caller === 'outsider' ? w.msg.member : w.msg[caller]

const get = (ctx: RowContext, path: string, token = ctx.token) => http(ctx.url, 'GET', path, { token })

const ROUTES = {
  // ── chats ──────────────────────────────────────────────────────────────────────────────────────────────
  'GET /api/chats': {
    method: 'GET',
    fresh: true,
    path: () => '/api/chats?$limit=100',
    ok: (res, { w, caller }) => {
      const ids = res.body.data.map((c: any) => c.chat_id)
      assert.equal(
        ids.includes(w.chat_id),
        caller !== 'outsider',
        'the group chat is listed to its members only'
      )
    }
  },
  'GET /api/chats/:chat_id': {
    method: 'GET',
    path: ({ w }) => `/api/chats/${w.chat_id}`,
    ok: (res, { w }) => {
      assert.equal(res.body.chat_id, w.chat_id)
      assert.equal(res.body.group.name, w.name)
    }
  },
  'GET /api/chats/:chat_id (private chat of member and member2)': {
    method: 'GET',
    path: ({ w }) => `/api/chats/${w.private_chat_id}`,
    ok: (res, { w }) => assert.equal(res.body.chat_id, w.private_chat_id)
  },
  'POST /api/chats/private (with a new user)': {
    method: 'POST',
    path: () => '/api/chats/private',
    body: async ({ url, cast, caller }) => ({
      user_id: caller === 'anonymous' ? cast.spare.user_id : (await createUser(url, 'Matrix Peer')).user_id
    }),
    ok: (res) => assert.equal(res.body.type, 'private')
  },
  'PUT /api/chats/:chat_id/mark-read': {
    method: 'PUT',
    path: ({ w }) => `/api/chats/${w.chat_id}/mark-read`,
    body: () => ({}),
    ok: (res, { w, self }) => {
      assert.equal(res.body.chat_id, w.chat_id)
      assert.equal(res.body.user_id, self.user_id)
      assert.equal(res.body.unread_count, 0)
    }
  },
  'PUT /api/chats/:chat_id/mark-read {message_id}': {
    method: 'PUT',
    path: ({ w }) => `/api/chats/${w.chat_id}/mark-read`,
    body: ({ w }) => ({ message_id: w.msg.member2 }),
    ok: (res, { w }) => assert.equal(res.body.chat_id, w.chat_id)
  },
  'POST /api/chats/:chat_id/typing': {
    method: 'POST',
    path: ({ w }) => `/api/chats/${w.chat_id}/typing`,
    body: () => ({ typing: true }),
    ok: (res, { w, self }) =>
      assert.deepEqual(res.body, { chat_id: w.chat_id, user_id: self.user_id, typing: true })
  },
  'GET /api/chats/:chat_id/messages': {
    method: 'GET',
    path: ({ w }) => `/api/chats/${w.chat_id}/messages`,
    ok: (res, { w }) => {
      const ids = res.body.data.map((m: any) => m.message_id)
      for (const id of Object.values(w.msg)) assert.ok(ids.includes(id), 'the whole history is visible')
    }
  },
  'GET /api/chats/:chat_id/messages (private chat of member and member2)': {
    method: 'GET',
    path: ({ w }) => `/api/chats/${w.private_chat_id}/messages`,
    ok: (res, { w }) => assert.ok(res.body.data.some((m: any) => m.message_id === w.private_msg))
  },
  'POST /api/chats/:chat_id/messages': {
    method: 'POST',
    path: ({ w }) => `/api/chats/${w.chat_id}/messages`,
    body: ({ caller }) => ({ content: `a new line from the ${caller}` }),
    ok: async (res, ctx) => {
      assert.equal(res.body.chat_id, ctx.w.chat_id)
      assert.equal(res.body.sender_id, ctx.self.user_id)
      const page = await get(ctx, `/api/chats/${ctx.w.chat_id}/messages`)
      assert.equal(page.body.data[0].message_id, res.body.message_id)
    }
  },
  'GET /api/chats/:chat_id/messages/search?q=': {
    method: 'GET',
    path: ({ w }) => `/api/chats/${w.chat_id}/messages/search?q=${w.nonce}`,
    ok: (res, { w }) => {
      assert.equal(res.body.data.length, Object.keys(w.msg).length)
      assert.ok(res.body.data.every((m: any) => m.chat_id === w.chat_id))
    }
  },

  // ── messages ───────────────────────────────────────────────────────────────────────────────────────────
  'GET /api/messages/:message_id': {
    method: 'GET',
    path: ({ w }) => `/api/messages/${w.msg.member2}`,
    ok: (res, { w }) => assert.equal(res.body.message_id, w.msg.member2)
  },
  'GET /api/messages/:message_id (private chat of member and member2)': {
    method: 'GET',
    path: ({ w }) => `/api/messages/${w.private_msg}`,
    ok: (res, { w }) => assert.equal(res.body.message_id, w.private_msg)
  },
  'PUT /api/messages/:message_id (own)': {
    method: 'PUT',
    path: (ctx) => `/api/messages/${ownMessage(ctx)}`,
    body: () => ({ content: 'edited with PUT' }),
    ok: async (res, ctx) => {
      assert.equal(res.body.content, 'edited with PUT')
      assert.ok(res.body.edited_at)
      assert.equal((await get(ctx, `/api/messages/${ownMessage(ctx)}`)).body.content, 'edited with PUT')
    }
  },
  'PUT /api/messages/:message_id (a member’s)': {
    method: 'PUT',
    path: ({ w }) => `/api/messages/${w.msg.member2}`,
    body: () => ({ content: 'words put in a member’s mouth' })
  },
  'PATCH /api/messages/:message_id (own)': {
    method: 'PATCH',
    path: (ctx) => `/api/messages/${ownMessage(ctx)}`,
    body: () => ({ content: 'edited with PATCH' }),
    ok: async (res, ctx) => {
      assert.equal(res.body.content, 'edited with PATCH')
      assert.equal((await get(ctx, `/api/messages/${ownMessage(ctx)}`)).body.content, 'edited with PATCH')
    }
  },
  'PATCH /api/messages/:message_id (a member’s)': {
    method: 'PATCH',
    path: ({ w }) => `/api/messages/${w.msg.member2}`,
    body: () => ({ content: 'words patched into a member’s mouth' })
  },
  'PATCH /api/messages/:message_id (private chat of member and member2)': {
    method: 'PATCH',
    path: ({ w }) => `/api/messages/${w.private_msg}`,
    body: () => ({ content: 'words patched into a private chat' })
  },
  'DELETE /api/messages/:message_id (own)': {
    method: 'DELETE',
    path: (ctx) => `/api/messages/${ownMessage(ctx)}`,
    ok: (res) => {
      assert.ok(res.body.deleted_at)
      assert.equal(res.body.content, '')
    }
  },
  'DELETE /api/messages/:message_id (a member’s)': {
    method: 'DELETE',
    path: ({ w }) => `/api/messages/${w.msg.member2}`,
    ok: async (res, ctx) => {
      assert.ok(res.body.deleted_at)
      const after = await get(ctx, `/api/messages/${ctx.w.msg.member2}`, ctx.cast.member2.access_token)
      assert.ok(after.body.deleted_at, 'the sender sees it deleted')
    }
  },
  'DELETE /api/messages/:message_id (another admin’s)': {
    method: 'DELETE',
    path: ({ w }) => `/api/messages/${w.msg.admin2}`,
    ok: (res) => assert.ok(res.body.deleted_at)
  },
  'DELETE /api/messages/:message_id (the owner’s)': {
    method: 'DELETE',
    path: ({ w }) => `/api/messages/${w.msg.owner}`,
    ok: (res) => assert.ok(res.body.deleted_at)
  },
  'DELETE /api/messages/:message_id (private chat of member and member2)': {
    method: 'DELETE',
    path: ({ w }) => `/api/messages/${w.private_msg}`
  },
  // A group role gives no power in a private chat, even one the admin or owner is in.
  'DELETE /api/messages/:message_id (the other’s, in the caller’s private chat with member2)': {
    method: 'DELETE',
    prepare: async ({ url, cast, w, caller, token }) => {
      if (caller === 'anonymous' || caller === 'outsider') return w.private_msg
      const chat = await openPrivateChat(url, { access_token: token! }, cast.member2)
      return (await sendText(url, cast.member2, chat.chat_id, `member2 tells the ${caller} ${w.nonce}`))
        .message_id
    },
    path: ({ target }) => `/api/messages/${target}`
  },

  // ── groups ─────────────────────────────────────────────────────────────────────────────────────────────
  'POST /api/groups': {
    method: 'POST',
    path: () => '/api/groups',
    body: ({ caller }) => ({ name: `A group of the ${caller}` }),
    ok: (res, { self }) => {
      assert.equal(res.body.owner_id, self.user_id)
      assert.deepEqual(
        res.body.members.map((m: any) => [m.user_id, m.role]),
        [[self.user_id, 'owner']]
      )
    }
  },
  'GET /api/groups/:group_id': {
    method: 'GET',
    path: ({ w }) => `/api/groups/${w.group_id}`,
    ok: (res, { w }) => {
      assert.equal(res.body.group_id, w.group_id)
      assert.equal(res.body.name, w.name)
      assert.equal(res.body.members.length, 5)
    }
  },
  'PUT /api/groups/:group_id': {
    method: 'PUT',
    path: ({ w }) => `/api/groups/${w.group_id}`,
    body: ({ caller }) => ({ name: `Renamed by the ${caller}` }),
    ok: async (res, ctx) => {
      assert.equal(res.body.name, `Renamed by the ${ctx.caller}`)
      const chat = await get(ctx, `/api/chats/${ctx.w.chat_id}`, ctx.cast.member.access_token)
      assert.equal(chat.body.group.name, `Renamed by the ${ctx.caller}`)
    }
  },
  'PATCH /api/groups/:group_id': {
    method: 'PATCH',
    path: ({ w }) => `/api/groups/${w.group_id}`,
    body: ({ caller }) => ({ description: `described by the ${caller}` }),
    ok: (res, { caller }) => assert.equal(res.body.description, `described by the ${caller}`)
  },
  'DELETE /api/groups/:group_id': {
    method: 'DELETE',
    path: ({ w }) => `/api/groups/${w.group_id}`,
    ok: async (res, ctx) => {
      assert.equal(res.body.group_id, ctx.w.group_id)
      const after = await get(ctx, `/api/groups/${ctx.w.group_id}`, ctx.cast.member.access_token)
      assert.equal(after.status, 404, 'the group is gone for its members')
      const chat = await get(ctx, `/api/chats/${ctx.w.chat_id}`, ctx.cast.member.access_token)
      assert.equal(chat.status, 404, 'and so is its chat')
    }
  },
  'GET /api/groups/:group_id/members': {
    method: 'GET',
    path: ({ w }) => `/api/groups/${w.group_id}/members`,
    ok: (res, { cast }) => {
      const roles = Object.fromEntries(res.body.map((m: any) => [m.user_id, m.role]))
      assert.deepEqual(roles, {
        [cast.owner.user_id]: 'owner',
        [cast.admin.user_id]: 'admin',
        [cast.admin2.user_id]: 'admin',
        [cast.member.user_id]: 'member',
        [cast.member2.user_id]: 'member'
      })
    }
  },
  'GET /api/groups/:group_id/members/:member_id': {
    method: 'GET',
    path: ({ w, cast }) => `/api/groups/${w.group_id}/members/${cast.member2.user_id}`,
    ok: (res, { w, cast }) => {
      assert.equal(res.body.group_id, w.group_id)
      assert.equal(res.body.user_id, cast.member2.user_id)
      assert.equal(res.body.role, 'member')
    }
  },
  'POST /api/groups/:group_id/members {role: member}': {
    method: 'POST',
    path: ({ w }) => `/api/groups/${w.group_id}/members`,
    body: ({ cast }) => ({ user_id: cast.spare.user_id, role: 'member' }),
    ok: async (res, ctx) => {
      assert.deepEqual(
        res.body.map((m: any) => [m.user_id, m.role]),
        [[ctx.cast.spare.user_id, 'member']]
      )
      const seen = await get(ctx, `/api/chats/${ctx.w.chat_id}`, ctx.cast.spare.access_token)
      assert.equal(seen.status, 200, 'the new member can read the chat')
    }
  },
  'POST /api/groups/:group_id/members {role: admin}': {
    method: 'POST',
    path: ({ w }) => `/api/groups/${w.group_id}/members`,
    body: ({ cast }) => ({ user_id: cast.spare.user_id, role: 'admin' }),
    ok: (res, { cast }) =>
      assert.deepEqual(
        res.body.map((m: any) => [m.user_id, m.role]),
        [[cast.spare.user_id, 'admin']]
      )
  },
  'DELETE /api/groups/:group_id/members/:member_id (a member)': {
    method: 'DELETE',
    path: ({ w, cast }) => `/api/groups/${w.group_id}/members/${cast.member2.user_id}`,
    ok: async (res, ctx) => {
      assert.equal(res.body.user_id, ctx.cast.member2.user_id)
      const chat = await get(ctx, `/api/chats/${ctx.w.chat_id}`, ctx.cast.member2.access_token)
      assert.equal(chat.status, 404, 'the removed member can no longer read the chat')
    }
  },
  'DELETE /api/groups/:group_id/members/:member_id (an admin)': {
    method: 'DELETE',
    path: ({ w, cast }) => `/api/groups/${w.group_id}/members/${cast.admin2.user_id}`,
    ok: (res, { cast }) => assert.equal(res.body.user_id, cast.admin2.user_id)
  },
  'DELETE /api/groups/:group_id/members/:member_id (the owner)': {
    method: 'DELETE',
    path: ({ w, cast }) => `/api/groups/${w.group_id}/members/${cast.owner.user_id}`
  },
  'DELETE /api/groups/:group_id/members/:member_id (themself)': {
    method: 'DELETE',
    path: ({ w, self }) => `/api/groups/${w.group_id}/members/${self.user_id}`
  },
  'POST /api/groups/:group_id/leave': {
    method: 'POST',
    path: ({ w }) => `/api/groups/${w.group_id}/leave`,
    body: () => ({}),
    ok: async (res, ctx) => {
      assert.equal(res.body.user_id, ctx.self.user_id)
      assert.equal(res.body.group_deleted, false)
      const group = await get(ctx, `/api/groups/${ctx.w.group_id}`)
      assert.equal(group.status, 404, 'who left no longer sees the group')
      if (ctx.caller === 'owner') {
        const after = await get(ctx, `/api/groups/${ctx.w.group_id}`, ctx.cast.member.access_token)
        assert.equal(after.body.owner_id, ctx.cast.admin.user_id, 'the longest-standing admin took over')
      }
    }
  }
} satisfies Record<string, RouteSpec>

type RouteName = keyof typeof ROUTES
type Row = [route: RouteName, caller: Caller, status: number]

/** One row per caller, in CALLERS order: anonymous, outsider, member, admin, owner. */
const across = (route: RouteName, statuses: [number, number, number, number, number]): Row[] =>
  CALLERS.map((caller, i) => [route, caller, statuses[i]])

//                                                                           anon outsider member admin owner
const MATRIX: Row[] = [
  ...across('GET /api/chats', [401, 200, 200, 200, 200]),
  ...across('GET /api/chats/:chat_id', [401, 404, 200, 200, 200]),
  ...across('GET /api/chats/:chat_id (private chat of member and member2)', [401, 404, 200, 404, 404]),
  ...across('POST /api/chats/private (with a new user)', [401, 201, 201, 201, 201]),
  ...across('PUT /api/chats/:chat_id/mark-read', [401, 404, 200, 200, 200]),
  ...across('PUT /api/chats/:chat_id/mark-read {message_id}', [401, 404, 200, 200, 200]),
  ...across('POST /api/chats/:chat_id/typing', [401, 404, 200, 200, 200]),
  ...across('GET /api/chats/:chat_id/messages', [401, 404, 200, 200, 200]),
  ...across(
    'GET /api/chats/:chat_id/messages (private chat of member and member2)',
    [401, 404, 200, 404, 404]
  ),
  ...across('POST /api/chats/:chat_id/messages', [401, 404, 201, 201, 201]),
  ...across('GET /api/chats/:chat_id/messages/search?q=', [401, 404, 200, 200, 200]),

  ...across('GET /api/messages/:message_id', [401, 404, 200, 200, 200]),
  ...across('GET /api/messages/:message_id (private chat of member and member2)', [401, 404, 200, 404, 404]),
  ...across('PUT /api/messages/:message_id (own)', [401, 404, 200, 200, 200]),
  ...across('PUT /api/messages/:message_id (a member’s)', [401, 404, 403, 403, 403]),
  ...across('PATCH /api/messages/:message_id (own)', [401, 404, 200, 200, 200]),
  ...across('PATCH /api/messages/:message_id (a member’s)', [401, 404, 403, 403, 403]),
  ...across(
    'PATCH /api/messages/:message_id (private chat of member and member2)',
    [401, 404, 403, 404, 404]
  ),
  ...across('DELETE /api/messages/:message_id (own)', [401, 404, 200, 200, 200]),
  ...across('DELETE /api/messages/:message_id (a member’s)', [401, 404, 403, 200, 200]),
  ...across('DELETE /api/messages/:message_id (another admin’s)', [401, 404, 403, 200, 200]),
  ...across('DELETE /api/messages/:message_id (the owner’s)', [401, 404, 403, 200, 200]),
  ...across(
    'DELETE /api/messages/:message_id (private chat of member and member2)',
    [401, 404, 403, 404, 404]
  ),

  ...across(
    'DELETE /api/messages/:message_id (the other’s, in the caller’s private chat with member2)',
    [401, 404, 403, 403, 403]
  ),

  ...across('POST /api/groups', [401, 201, 201, 201, 201]),
  ...across('GET /api/groups/:group_id', [401, 404, 200, 200, 200]),
  ...across('PUT /api/groups/:group_id', [401, 404, 403, 200, 200]),
  ...across('PATCH /api/groups/:group_id', [401, 404, 403, 200, 200]),
  ...across('DELETE /api/groups/:group_id', [401, 404, 403, 403, 200]),
  ...across('GET /api/groups/:group_id/members', [401, 404, 200, 200, 200]),
  ...across('GET /api/groups/:group_id/members/:member_id', [401, 404, 200, 200, 200]),
  ...across('POST /api/groups/:group_id/members {role: member}', [401, 404, 403, 201, 201]),
  ...across('POST /api/groups/:group_id/members {role: admin}', [401, 404, 403, 403, 201]),
  ...across('DELETE /api/groups/:group_id/members/:member_id (a member)', [401, 404, 403, 200, 200]),
  ...across('DELETE /api/groups/:group_id/members/:member_id (an admin)', [401, 404, 403, 403, 200]),
  // The owner removing the owner is removing themself: 400, use leave.
  ...across('DELETE /api/groups/:group_id/members/:member_id (the owner)', [401, 404, 403, 403, 400]),
  // A plain member may not remove anyone (403) before the "use leave" rule (400) is reached.
  ...across('DELETE /api/groups/:group_id/members/:member_id (themself)', [401, 404, 403, 400, 400]),
  ...across('POST /api/groups/:group_id/leave', [401, 404, 200, 200, 200])
]

describe('authorization matrix (REST)', () => {
  let server: TestServer
  let cast: Cast
  let shared: World

  before(async () => {
    server = await startServer()
    cast = await createCast(server.url)
    shared = await buildWorld(server.url, cast)
  })
  after(async () => {
    await server.stop()
  })

  it('covers every route for every kind of caller', () => {
    for (const route of Object.keys(ROUTES) as RouteName[]) {
      const callers = MATRIX.filter(([r]) => r === route).map(([, caller]) => caller)
      assert.deepEqual(callers, CALLERS, `${route} has a row for each caller`)
    }
  })

  for (const [route, caller, status] of MATRIX) {
    const spec: RouteSpec = ROUTES[route]
    const fresh = spec.fresh || spec.method !== 'GET'
    it(`${caller} · ${route} → ${status}`, async () => {
      const w = fresh ? await buildWorld(server.url, cast) : shared
      const self = caller === 'anonymous' ? cast.member : cast[caller]
      const token = caller === 'anonymous' ? undefined : self.access_token
      const ctx: RowContext = { url: server.url, cast, w, caller, self, token }
      const before = fresh && status >= 400 ? await snapshot(server.url, cast, w) : undefined

      if (spec.prepare) ctx.target = await spec.prepare(ctx)
      const body = spec.body ? await spec.body(ctx) : undefined
      const res = await http(server.url, spec.method, spec.path(ctx), { token, body })

      assert.equal(res.status, status, `${spec.method} ${spec.path(ctx)} as ${caller}: ${res.text}`)
      if (status >= 400) {
        const name = { 400: 'BadRequest', 401: 'NotAuthenticated', 403: 'Forbidden', 404: 'NotFound' }[status]
        assert.equal(res.body.name, name, res.text)
        assert.equal(res.body.code, status)
      }
      if (status >= 400 || caller === 'anonymous' || caller === 'outsider') {
        assert.ok(!res.text.includes(w.nonce), `the answer discloses the group or its messages: ${res.text}`)
      }
      if (before)
        assert.deepEqual(await snapshot(server.url, cast, w), before, 'a refused call changed nothing')
      if (status < 400 && spec.ok) await spec.ok(res, ctx)
    })
  }

  // An outsider's 404 is the very answer a resource that does not exist gets: existence is not disclosed.
  const missing = '01ZZZZZZZZZZZZZZZZZZZZZZZZ'
  const twins: Array<[string, (w: World) => string, string]> = [
    ['a chat', (w) => `/api/chats/${w.chat_id}`, `/api/chats/${missing}`],
    ['a chat’s history', (w) => `/api/chats/${w.chat_id}/messages`, `/api/chats/${missing}/messages`],
    ['a message', (w) => `/api/messages/${w.msg.member}`, `/api/messages/${missing}`],
    ['a group', (w) => `/api/groups/${w.group_id}`, `/api/groups/${missing}`],
    ['a group’s members', (w) => `/api/groups/${w.group_id}/members`, `/api/groups/${missing}/members`]
  ]
  for (const [what, existing, absent] of twins) {
    it(`outsider · ${what} they are not in answers exactly like one that does not exist`, async () => {
      const token = cast.outsider.access_token
      const real = await http(server.url, 'GET', existing(shared), { token })
      const none = await http(server.url, 'GET', absent, { token })
      assert.equal(real.status, 404)
      assert.deepEqual(real.body, none.body)
    })
  }

  after(assertNoSecretsSeen)
})

// ── the same hooks over Socket.IO ────────────────────────────────────────────────────────────────────────

type Client = SocketClient['client']
type SocketOp = (client: Client, w: World, cast: Cast, self: TestUser) => Promise<unknown>

const SOCKET_OPS = {
  'find a chat’s messages': (client, w) =>
    client.service('api/chats/:chat_id/messages').find({ route: { chat_id: w.chat_id } }),
  'send a message': (client, w) =>
    client
      .service('api/chats/:chat_id/messages')
      .create({ content: 'over the socket' }, { route: { chat_id: w.chat_id } }),
  'search a chat': (client, w) =>
    client
      .service('api/chats/:chat_id/messages/search')
      .find({ route: { chat_id: w.chat_id }, query: { q: w.nonce } }),
  'get the chat': (client, w) => client.service('api/chats').get(w.chat_id),
  'get a message': (client, w) => client.service('api/messages').get(w.msg.member2),
  'patch a member’s message': (client, w) =>
    client.service('api/messages').patch(w.msg.member2, { content: 'not yours to edit' }),
  'patch own message': (client, w) =>
    client.service('api/messages').patch(w.msg.member, { content: 'mine to edit' }),
  'remove a member’s message': (client, w) => client.service('api/messages').remove(w.msg.member2),
  'get the group': (client, w) => client.service('api/groups').get(w.group_id),
  'patch the group': (client, w) =>
    client.service('api/groups').patch(w.group_id, { description: 'changed' }),
  'add a member with role admin': (client, w, cast) =>
    client
      .service('api/groups/:group_id/members')
      .create({ user_id: cast.spare.user_id, role: 'admin' }, { route: { group_id: w.group_id } }),
  'remove the owner from the group': (client, w, cast) =>
    client
      .service('api/groups/:group_id/members')
      .remove(cast.owner.user_id, { route: { group_id: w.group_id } }),
  'remove themself through members': (client, w, _cast, self) =>
    client.service('api/groups/:group_id/members').remove(self.user_id, { route: { group_id: w.group_id } }),
  'delete the group': (client, w) => client.service('api/groups').remove(w.group_id),
  'leave the group': (client, w) =>
    client.service('api/groups/:group_id/leave').create({}, { route: { group_id: w.group_id } })
} satisfies Record<string, SocketOp>

type SocketRow = [op: keyof typeof SOCKET_OPS, caller: Caller, expected: 'ok' | string]

const SOCKET_MATRIX: SocketRow[] = [
  ['find a chat’s messages', 'anonymous', 'NotAuthenticated'],
  ['find a chat’s messages', 'outsider', 'NotFound'],
  ['find a chat’s messages', 'member', 'ok'],
  ['send a message', 'outsider', 'NotFound'],
  ['send a message', 'member', 'ok'],
  ['search a chat', 'outsider', 'NotFound'],
  ['get the chat', 'outsider', 'NotFound'],
  ['get a message', 'outsider', 'NotFound'],
  ['patch a member’s message', 'outsider', 'NotFound'],
  ['patch a member’s message', 'member', 'Forbidden'],
  ['patch a member’s message', 'admin', 'Forbidden'],
  ['patch own message', 'member', 'ok'],
  ['remove a member’s message', 'member', 'Forbidden'],
  ['remove a member’s message', 'admin', 'ok'],
  ['get the group', 'anonymous', 'NotAuthenticated'],
  ['get the group', 'outsider', 'NotFound'],
  ['patch the group', 'member', 'Forbidden'],
  ['patch the group', 'admin', 'ok'],
  ['add a member with role admin', 'member', 'Forbidden'],
  ['add a member with role admin', 'admin', 'Forbidden'],
  ['add a member with role admin', 'owner', 'ok'],
  ['remove the owner from the group', 'admin', 'Forbidden'],
  ['remove themself through members', 'admin', 'BadRequest'],
  ['delete the group', 'admin', 'Forbidden'],
  ['delete the group', 'owner', 'ok'],
  ['leave the group', 'outsider', 'NotFound'],
  ['leave the group', 'member', 'ok']
]

describe('authorization matrix (Socket.IO, same hooks)', () => {
  let server: TestServer
  let cast: Cast
  const clients = {} as Record<Caller, SocketClient>

  before(async () => {
    server = await startServer()
    cast = await createCast(server.url)
    for (const caller of CALLERS) {
      clients[caller] = socketClient(server.url)
      if (caller !== 'anonymous') {
        await clients[caller].client.authenticate({
          strategy: 'jwt',
          accessToken: cast[caller as Signed].access_token
        })
      }
    }
  })
  after(async () => {
    for (const caller of CALLERS) clients[caller]?.close()
    await server.stop()
  })

  for (const [op, caller, expected] of SOCKET_MATRIX) {
    it(`${caller} · socket ${op} → ${expected}`, async () => {
      const w = await buildWorld(server.url, cast)
      const self = caller === 'anonymous' ? cast.member : cast[caller]
      const call = (SOCKET_OPS[op] as SocketOp)(clients[caller].client, w, cast, self)
      if (expected === 'ok') {
        const result = await call
        seenBodies.push(JSON.stringify(result))
        return
      }
      const error: any = await call.then(
        (result) => assert.fail(`expected ${expected}, got ${JSON.stringify(result)}`),
        (thrown) => thrown
      )
      seenBodies.push(JSON.stringify(error))
      assert.equal(error.name, expected, JSON.stringify(error))
      assert.ok(!JSON.stringify(error).includes(w.nonce), 'the error discloses the group or its messages')
    })
  }

  after(assertNoSecretsSeen)
})

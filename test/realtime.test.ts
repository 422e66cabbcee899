import assert from 'node:assert/strict'
// End-to-end realtime tests: several users, several real Socket.IO Feathers clients per user, a real server.
// Events are emitted under the service's TEMPLATE path (e.g. `api/chats/:chat_id/typing`), so clients listen
// there and tell chats apart by `data.chat_id`. Arrivals are awaited with eventually(); "must not arrive" is
// checked after a barrier: an event (or a reply) that the same socket does receive, sent after the one that
// must not arrive.
import {
  assertNoSecretsSeen,
  createUser,
  eventually,
  http,
  openPrivateChat,
  seenBodies,
  sendText,
  socketClient,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

const STANDARD_EVENTS = ['created', 'updated', 'patched', 'removed']
const MESSAGES = 'api/messages'
const CHATS = 'api/chats'
const GROUPS = 'api/groups'
const MEMBERS = 'api/groups/:group_id/members'
const READ = 'api/chats/:chat_id/mark-read'
const TYPING = 'api/chats/:chat_id/typing'
const STATUS = 'api/users/status'
const USERS = 'api/users'

/** Every service path a client can listen on, with every event it could carry. */
const WATCHED: Record<string, string[]> = {
  [MESSAGES]: STANDARD_EVENTS,
  [CHATS]: STANDARD_EVENTS,
  'api/chats/private': STANDARD_EVENTS,
  'api/chats/:chat_id/messages': STANDARD_EVENTS,
  'api/chats/:chat_id/messages/search': STANDARD_EVENTS,
  [READ]: [...STANDARD_EVENTS, 'read'],
  [TYPING]: [...STANDARD_EVENTS, 'typing_start', 'typing_stop'],
  [GROUPS]: STANDARD_EVENTS,
  [MEMBERS]: STANDARD_EVENTS,
  'api/groups/:group_id/leave': STANDARD_EVENTS,
  [USERS]: STANDARD_EVENTS,
  'api/users/profile': STANDARD_EVENTS,
  'api/users/search': STANDARD_EVENTS,
  [STATUS]: [...STANDARD_EVENTS, 'user_status'],
  'api/auth/register': STANDARD_EVENTS,
  'api/auth/login': STANDARD_EVENTS,
  'api/auth/refresh': STANDARD_EVENTS,
  'api/auth/logout': [...STANDARD_EVENTS, 'ended']
}

interface Recorded {
  path: string
  event: string
  data: any
}

interface Live extends SocketClient {
  user: TestUser
  /** Every event this socket received, on every watched path, in arrival order. */
  events: Recorded[]
}

const recordEverything = (client: SocketClient['client']): Recorded[] => {
  const received: Recorded[] = []
  for (const [path, events] of Object.entries(WATCHED)) {
    const service = client.service(path as any) as any
    for (const event of events) {
      service.on(event, (data: any) => {
        seenBodies.push(JSON.stringify(data))
        received.push({ path, event, data })
      })
    }
  }
  return received
}

/** The payloads a socket received for one path and event, optionally narrowed by a predicate. */
const got = (live: Live, path: string, event: string, where: (data: any) => boolean = () => true) =>
  live.events.filter((e) => e.path === path && e.event === event && where(e.data)).map((e) => e.data)

const byId = (id: string) => (data: any) => data.message_id === id
const inChat = (chatId: string) => (data: any) => data.chat_id === chatId
const aboutUser = (userId: string) => (data: any) => data.user_id === userId

describe('realtime: who hears what over live sockets', () => {
  let server: TestServer
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer({ settings: { limits: { typingTimeoutMs: 300 } } })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  const user = (name: string) => createUser(server.url, name)

  /** A REST call that must succeed (2xx); returns the body. */
  const call = async (who: TestUser | string, method: string, path: string, body?: unknown) => {
    const token = typeof who === 'string' ? who : who.access_token
    const res = await http(server.url, method, path, { token, body })
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${res.text}`)
    return res.body
  }

  /** A new socket for the user, recording from before it authenticates (so presence events are kept). */
  const connect = async (who: TestUser, accessToken = who.access_token): Promise<Live> => {
    const s = socketClient(server.url)
    sockets.push(s)
    const events = recordEverything(s.client)
    await s.client.authenticate({ strategy: 'jwt', accessToken })
    return { ...s, user: who, events }
  }

  /** Waits until the socket received a matching event; returns its payload. */
  const arrives = async (live: Live, path: string, event: string, where?: (data: any) => boolean) => {
    let found: any
    await eventually(() => {
      const matches = got(live, path, event, where)
      assert.ok(matches.length > 0, `${live.user.name} never received ${path} ${event}`)
      found = matches[0]
    })
    return found
  }

  /**
   * Barrier for a user's own socket: a profile change is pushed to that user's own connections only. Once it
   * has arrived on `live`, anything published to that socket before the change would have arrived too.
   */
  const ownProfileBarrier = async (live: Live) => {
    const bio = `barrier ${Date.now()} ${Math.random()}`
    await call(live.user, 'PUT', '/api/users/profile', { bio })
    await arrives(live, USERS, 'patched', (u) => u.user_id === live.user.user_id && u.bio === bio)
  }

  /**
   * Barrier for presence (an asynchronous publish): a fresh user who shares a private chat with each watcher
   * comes online; once every watcher heard that `user_status`, earlier presence changes were published too.
   */
  const presenceBarrier = async (...watchers: Live[]) => {
    const fresh = await user('Barrier Bea')
    for (const w of watchers) await openPrivateChat(server.url, fresh, w.user)
    await connect(fresh)
    for (const w of watchers) {
      await arrives(w, STATUS, 'user_status', (s) => s.user_id === fresh.user_id && s.status === 'online')
    }
  }

  describe('an outsider', () => {
    it('hears nothing of a whole scenario between other users', async () => {
      const [ann, bob, cat, out] = await Promise.all([
        user('Leak Ann'),
        user('Leak Bob'),
        user('Leak Cat'),
        user('Leak Outsider')
      ])
      const outsider = await connect(out)
      // The outsider's own presence is theirs to hear; wait for it so it cannot be confused with a leak.
      await arrives(
        outsider,
        STATUS,
        'user_status',
        (s) => s.user_id === out.user_id && s.status === 'online'
      )

      const annLive = await connect(ann)
      const bobLive = await connect(bob)

      // A private chat, messages sent, edited (PATCH and PUT) and deleted, read receipts, typing.
      const chat = await openPrivateChat(server.url, ann, bob)
      const first = await sendText(server.url, ann, chat.chat_id, 'the secret is 42')
      const second = await sendText(server.url, bob, chat.chat_id, 'shh')
      await call(ann, 'PATCH', `/api/messages/${first.message_id}`, { content: 'the secret is 43' })
      await call(ann, 'PUT', `/api/messages/${first.message_id}`, { content: 'the secret is 44' })
      await call(bob, 'DELETE', `/api/messages/${second.message_id}`)
      await call(ann, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, {})
      await call(bob, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: true })
      await call(bob, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: false })
      await call(ann, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: true }) // left to expire

      // A group: created, renamed, a member added (who connects and talks), removed, a member leaving, deleted.
      const group = await call(ann, 'POST', '/api/groups', {
        name: 'Secret plans',
        member_ids: [bob.user_id]
      })
      await call(ann, 'PATCH', `/api/groups/${group.group_id}`, { name: 'Renamed plans' })
      await call(ann, 'POST', `/api/groups/${group.group_id}/members`, { user_id: cat.user_id })
      const catLive = await connect(cat)
      await sendText(server.url, cat, group.chat_id, 'hello group')
      await call(cat, 'POST', `/api/chats/${group.chat_id}/typing`, { typing: true })
      await call(bob, 'PUT', `/api/chats/${group.chat_id}/mark-read`, {})
      await call(ann, 'DELETE', `/api/groups/${group.group_id}/members/${cat.user_id}`)
      await call(bob, 'POST', `/api/groups/${group.group_id}/leave`, {})
      await call(bob, 'PUT', '/api/users/status', { status: 'dnd' })
      await call(ann, 'DELETE', `/api/groups/${group.group_id}`)
      // Presence: Cat and Ann go offline (once their sockets have heard what was sent to them only).
      await arrives(catLive, MEMBERS, 'removed', aboutUser(cat.user_id))
      await arrives(annLive, GROUPS, 'removed', (g) => g.group_id === group.group_id)
      catLive.close()
      annLive.close()

      // The members did hear the scenario (so it really produced events); wait for the last, asynchronous ones.
      await arrives(bobLive, TYPING, 'typing_stop', (t) => t.user_id === ann.user_id)
      await arrives(
        bobLive,
        STATUS,
        'user_status',
        (s) => s.user_id === ann.user_id && s.status === 'offline'
      )
      const heard = new Set(
        [...annLive.events, ...bobLive.events, ...catLive.events].map((e) => `${e.path} ${e.event}`)
      )
      for (const expected of [
        `${CHATS} created`,
        `${MESSAGES} created`,
        `${MESSAGES} patched`,
        `${MESSAGES} removed`,
        `${READ} read`,
        `${TYPING} typing_start`,
        `${TYPING} typing_stop`,
        `${GROUPS} created`,
        `${GROUPS} patched`,
        `${GROUPS} removed`,
        `${MEMBERS} created`,
        `${MEMBERS} removed`,
        `${STATUS} user_status`
      ]) {
        assert.ok(heard.has(expected), `no member heard ${expected}`)
      }

      // Barrier: the outsider's own profile change, sent last.
      await ownProfileBarrier(outsider)
      assert.deepEqual(
        outsider.events.map((e) => [e.path, e.event, e.data.user_id]),
        [
          [STATUS, 'user_status', out.user_id],
          [USERS, 'patched', out.user_id]
        ],
        `the outsider heard someone else's events: ${JSON.stringify(outsider.events)}`
      )
    })
  })

  describe('message events', () => {
    it('reach every socket of every member (two sockets of one user both), with the REST payload', async () => {
      const [ann, bob, cat] = await Promise.all([user('Msg Ann'), user('Msg Bob'), user('Msg Cat')])
      const group = await call(ann, 'POST', '/api/groups', {
        name: 'Everyone',
        member_ids: [bob.user_id, cat.user_id]
      })
      const live = [await connect(ann), await connect(ann), await connect(bob), await connect(cat)]

      const sent = await sendText(server.url, ann, group.chat_id, 'to all of you')
      assert.equal(sent.chat_id, group.chat_id)
      for (const l of live) {
        assert.deepEqual(await arrives(l, MESSAGES, 'created', byId(sent.message_id)), sent)
      }

      // Sent over a socket through the chat's route: the same event to everyone, equal to the reply.
      const viaSocket = await live[2].client
        .service('api/chats/:chat_id/messages')
        .create({ content: 'from a socket' }, { route: { chat_id: group.chat_id } })
      for (const l of live) {
        assert.deepEqual(await arrives(l, MESSAGES, 'created', byId(viaSocket.message_id)), viaSocket)
      }

      const edited = await call(ann, 'PATCH', `/api/messages/${sent.message_id}`, { content: 'edited' })
      assert.equal(edited.content, 'edited')
      for (const l of live) {
        assert.deepEqual(await arrives(l, MESSAGES, 'patched', byId(sent.message_id)), edited)
      }

      const putEdited = await call(ann, 'PUT', `/api/messages/${sent.message_id}`, {
        content: 'edited twice'
      })
      for (const l of live) {
        await eventually(() =>
          assert.deepEqual(got(l, MESSAGES, 'patched', byId(sent.message_id)), [edited, putEdited])
        )
      }

      const removed = await call(ann, 'DELETE', `/api/messages/${sent.message_id}`)
      assert.ok(removed.deleted_at)
      for (const l of live) {
        assert.deepEqual(await arrives(l, MESSAGES, 'removed', byId(sent.message_id)), removed)
      }

      // Exactly once each, on every socket (a later message is the barrier for duplicates).
      const last = await sendText(server.url, cat, group.chat_id, 'barrier')
      for (const l of live) {
        await arrives(l, MESSAGES, 'created', byId(last.message_id))
        assert.equal(got(l, MESSAGES, 'created', byId(sent.message_id)).length, 1)
        assert.equal(got(l, MESSAGES, 'created', byId(viaSocket.message_id)).length, 1)
        assert.equal(got(l, MESSAGES, 'removed', byId(sent.message_id)).length, 1)
        assert.equal(got(l, MESSAGES, 'updated').length, 0, 'a PUT edit is announced as patched')
      }
    })
  })

  describe('membership changes on live sockets (no reconnect)', () => {
    it('an added user hears the group at once; a removed user stops at once', async () => {
      const [ann, bob, cat] = await Promise.all([user('Mem Ann'), user('Mem Bob'), user('Mem Cat')])
      const group = await call(ann, 'POST', '/api/groups', { name: 'Club', member_ids: [bob.user_id] })
      const bobLive = await connect(bob)
      const catLive = await connect(cat)

      const before = await sendText(server.url, ann, group.chat_id, 'before Cat joined')
      await arrives(bobLive, MESSAGES, 'created', byId(before.message_id))

      await call(ann, 'POST', `/api/groups/${group.group_id}/members`, { user_id: cat.user_id })
      const added = await arrives(catLive, MEMBERS, 'created', aboutUser(cat.user_id))
      assert.equal(added.group_id, group.group_id)
      assert.equal(added.chat_id, group.chat_id)
      await arrives(bobLive, MEMBERS, 'created', aboutUser(cat.user_id))

      const welcome = await sendText(server.url, ann, group.chat_id, 'welcome Cat')
      assert.deepEqual(await arrives(catLive, MESSAGES, 'created', byId(welcome.message_id)), welcome)
      assert.equal(got(catLive, MESSAGES, 'created', byId(before.message_id)).length, 0)

      await call(ann, 'DELETE', `/api/groups/${group.group_id}/members/${cat.user_id}`)
      const removed = await arrives(catLive, MEMBERS, 'removed', aboutUser(cat.user_id))
      assert.equal(removed.reason, 'removed')

      const after = await sendText(server.url, ann, group.chat_id, 'Cat is gone')
      await arrives(bobLive, MESSAGES, 'created', byId(after.message_id))
      await call(bob, 'POST', `/api/chats/${group.chat_id}/typing`, { typing: true })
      await ownProfileBarrier(catLive)
      assert.deepEqual(
        got(catLive, MESSAGES, 'created', inChat(group.chat_id)).map((m) => m.message_id),
        [welcome.message_id],
        'the removed user still hears the group'
      )
      assert.equal(got(catLive, TYPING, 'typing_start').length, 0)
    })

    it('a user who leaves stops hearing the group at once', async () => {
      const [ann, bob, cat] = await Promise.all([user('Leave Ann'), user('Leave Bob'), user('Leave Cat')])
      const group = await call(ann, 'POST', '/api/groups', {
        name: 'Leavers',
        member_ids: [bob.user_id, cat.user_id]
      })
      const bobLive = await connect(bob)
      const catLive = await connect(cat)
      const hello = await sendText(server.url, ann, group.chat_id, 'hello')
      await arrives(bobLive, MESSAGES, 'created', byId(hello.message_id))

      // Leaving over the socket itself.
      const left = await bobLive.client
        .service('api/groups/:group_id/leave')
        .create({}, { route: { group_id: group.group_id } })
      assert.equal(left.user_id, bob.user_id)
      assert.equal(left.group_deleted, false)
      assert.equal((await arrives(bobLive, MEMBERS, 'removed', aboutUser(bob.user_id))).reason, 'left')
      await arrives(catLive, MEMBERS, 'removed', aboutUser(bob.user_id))

      const after = await sendText(server.url, ann, group.chat_id, 'Bob left')
      await arrives(catLive, MESSAGES, 'created', byId(after.message_id))
      await call(ann, 'PATCH', `/api/groups/${group.group_id}`, { name: 'Leavers, minus Bob' })
      await arrives(catLive, GROUPS, 'patched', (g) => g.group_id === group.group_id)
      await ownProfileBarrier(bobLive)
      assert.deepEqual(
        got(bobLive, MESSAGES, 'created', inChat(group.chat_id)).map((m) => m.message_id),
        [hello.message_id],
        'the user who left still hears the group'
      )
      assert.equal(got(bobLive, GROUPS, 'patched').length, 0)
    })

    it('a new private chat reaches the other user’s live socket with their own view, then its messages', async () => {
      const [dan, eve] = await Promise.all([user('Private Dan'), user('Private Eve')])
      const danLive = await connect(dan)
      const eveLive = await connect(eve)

      const chat = await openPrivateChat(server.url, dan, eve)
      assert.equal(chat.other_user.user_id, eve.user_id)

      const eveView = await arrives(eveLive, CHATS, 'created', inChat(chat.chat_id))
      assert.equal(eveView.type, 'private')
      assert.equal(eveView.other_user.user_id, dan.user_id, 'Eve sees Dan as the other user')
      assert.equal(eveView.other_user.name, dan.name)
      assert.equal(eveView.other_user.email, undefined)
      const danView = await arrives(danLive, CHATS, 'created', inChat(chat.chat_id))
      assert.equal(danView.other_user.user_id, eve.user_id, 'Dan sees Eve as the other user')

      const hi = await sendText(server.url, dan, chat.chat_id, 'hi Eve')
      assert.deepEqual(await arrives(eveLive, MESSAGES, 'created', byId(hi.message_id)), hi)
      const reply = await eveLive.client
        .service('api/chats/:chat_id/messages')
        .create({ content: 'hi Dan' }, { route: { chat_id: chat.chat_id } })
      assert.deepEqual(await arrives(danLive, MESSAGES, 'created', byId(reply.message_id)), reply)

      // Asking again finds the same chat (200) and announces nothing.
      const again = await openPrivateChat(server.url, eve, dan, { status: [200] })
      assert.equal(again.chat_id, chat.chat_id)
      await ownProfileBarrier(eveLive)
      await ownProfileBarrier(danLive)
      assert.equal(got(eveLive, CHATS, 'created').length, 1)
      assert.equal(got(danLive, CHATS, 'created').length, 1)
    })
  })

  describe('typing', () => {
    it('goes to the other members only, stops on typing:false, and expires by itself', async () => {
      const [ann, bob, cat] = await Promise.all([user('Type Ann'), user('Type Bob'), user('Type Cat')])
      const group = await call(ann, 'POST', '/api/groups', {
        name: 'Typists',
        member_ids: [bob.user_id, cat.user_id]
      })
      const annLive = [await connect(ann), await connect(ann)]
      const bobLive = await connect(bob)
      const catLive = await connect(cat)
      const expected = { chat_id: group.chat_id, user_id: ann.user_id }
      const typing = (data: { typing: boolean }) =>
        call(ann, 'POST', `/api/chats/${group.chat_id}/typing`, data)

      assert.deepEqual(await typing({ typing: true }), { ...expected, typing: true })
      for (const other of [bobLive, catLive]) {
        assert.deepEqual(await arrives(other, TYPING, 'typing_start', inChat(group.chat_id)), expected)
      }
      assert.deepEqual(await typing({ typing: false }), { ...expected, typing: false })
      for (const other of [bobLive, catLive]) {
        assert.deepEqual(await arrives(other, TYPING, 'typing_stop', inChat(group.chat_id)), expected)
      }

      // No stop this time: the server ends the typing state itself (typingTimeoutMs is 300 here).
      await call(ann, 'POST', `/api/chats/${group.chat_id}/typing`, { typing: true })
      for (const other of [bobLive, catLive]) {
        await eventually(() => {
          assert.deepEqual(got(other, TYPING, 'typing_start', inChat(group.chat_id)), [expected, expected])
          assert.deepEqual(got(other, TYPING, 'typing_stop', inChat(group.chat_id)), [expected, expected])
        })
      }

      // Never back to the typist's own sockets: a later message is their barrier.
      const barrier = await sendText(server.url, bob, group.chat_id, 'barrier')
      for (const own of annLive) {
        await arrives(own, MESSAGES, 'created', byId(barrier.message_id))
        assert.equal(got(own, TYPING, 'typing_start').length, 0, 'the typist heard their own typing_start')
        assert.equal(got(own, TYPING, 'typing_stop').length, 0, 'the typist heard their own typing_stop')
      }
    })
  })

  describe('read receipts', () => {
    it('mark-read emits read to the members; moving the pointer backwards emits nothing', async () => {
      const [ann, bob] = await Promise.all([user('Read Ann'), user('Read Bob')])
      const chat = await openPrivateChat(server.url, ann, bob)
      const annLive = await connect(ann)
      const bobLive = await connect(bob)
      const sent = []
      for (const content of ['one', 'two', 'three'])
        sent.push(await sendText(server.url, ann, chat.chat_id, content))

      const receipt = await call(bob, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, {})
      assert.deepEqual(receipt, {
        chat_id: chat.chat_id,
        user_id: bob.user_id,
        last_read_seq: 3,
        unread_count: 0,
        mention_count: 0
      })
      // The other member gets the pointer; the reader's own connections their new counts too.
      const expected = { chat_id: chat.chat_id, user_id: bob.user_id, last_read_seq: 3 }
      const counts = { unread_count: 0, mention_count: 0 }
      const seenBy = (l: typeof annLive, receipt: typeof expected) =>
        l === bobLive ? { ...receipt, ...counts } : receipt
      for (const l of [annLive, bobLive]) {
        assert.deepEqual(await arrives(l, READ, 'read', inChat(chat.chat_id)), seenBy(l, expected))
      }

      // Backwards (to the first message) and to where it already is: the pointer stays, nothing is emitted.
      const backwards = await call(bob, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, {
        message_id: sent[0].message_id
      })
      assert.equal(backwards.last_read_seq, 3)
      const same = await call(bob, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, {
        message_id: sent[2].message_id
      })
      assert.equal(same.last_read_seq, 3)
      const barrier = await sendText(server.url, ann, chat.chat_id, 'four')
      for (const l of [annLive, bobLive]) {
        await arrives(l, MESSAGES, 'created', byId(barrier.message_id))
        assert.deepEqual(
          got(l, READ, 'read'),
          [seenBy(l, expected)],
          'a pointer that did not move was announced'
        )
      }
      const bobsView = await call(bob, 'GET', `/api/chats/${chat.chat_id}`)
      assert.equal(bobsView.last_read_seq, 3)
      assert.equal(bobsView.unread_count, 1)

      // Forward again: announced.
      await call(bob, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, { message_id: barrier.message_id })
      for (const l of [annLive, bobLive]) {
        await eventually(() =>
          assert.deepEqual(got(l, READ, 'read'), [
            seenBy(l, expected),
            seenBy(l, { ...expected, last_read_seq: 4 })
          ])
        )
      }
    })
  })

  describe('presence', () => {
    it('online on the first socket, nothing on the second or on closing one of two, offline on the last', async () => {
      const [pat, wes, sam] = await Promise.all([user('Pres Pat'), user('Pres Wes'), user('Pres Sam')])
      const wesLive = await connect(wes) // shares a chat with Pat
      const samLive = await connect(sam) // shares no chat with Pat
      await openPrivateChat(server.url, pat, wes)
      await arrives(wesLive, CHATS, 'created')
      const aboutPat = (live: Live) => got(live, STATUS, 'user_status', aboutUser(pat.user_id))

      const first = await connect(pat)
      const online = await arrives(wesLive, STATUS, 'user_status', aboutUser(pat.user_id))
      assert.equal(online.status, 'online')
      assert.deepEqual(Object.keys(online).sort(), ['last_seen', 'status', 'user_id'])

      const second = await connect(pat)
      await presenceBarrier(wesLive)
      assert.equal(aboutPat(wesLive).length, 1, 'a second socket announced the user again')

      first.close()
      await presenceBarrier(wesLive)
      assert.equal(aboutPat(wesLive).length, 1, 'closing one of two sockets announced a change')
      assert.equal((await call(wes, 'GET', `/api/users/${pat.user_id}`)).status, 'online')

      second.close()
      await eventually(() => assert.equal(aboutPat(wesLive).length, 2))
      const offline = aboutPat(wesLive)[1]
      assert.equal(offline.status, 'offline')
      assert.ok(offline.last_seen, 'offline without last_seen')
      assert.ok(!Number.isNaN(Date.parse(offline.last_seen)))

      await presenceBarrier(samLive)
      assert.deepEqual(aboutPat(samLive), [], 'a user sharing no chat heard about Pat')
    })

    it('PUT /api/users/status pushes user_status to the users sharing a chat and to the user’s own sockets', async () => {
      const [pat, wes, sam] = await Promise.all([user('Dnd Pat'), user('Dnd Wes'), user('Dnd Sam')])
      await openPrivateChat(server.url, pat, wes)
      const wesLive = await connect(wes)
      const samLive = await connect(sam)
      const patLive = await connect(pat)
      await arrives(wesLive, STATUS, 'user_status', (s) => s.user_id === pat.user_id && s.status === 'online')

      const result = await call(pat, 'PUT', '/api/users/status', { status: 'dnd' })
      assert.equal(result.status, 'dnd')
      for (const l of [wesLive, patLive]) {
        const event = await arrives(
          l,
          STATUS,
          'user_status',
          (s) => s.user_id === pat.user_id && s.status === 'dnd'
        )
        assert.deepEqual(event, { user_id: pat.user_id, status: 'dnd', last_seen: result.last_seen })
      }
      await presenceBarrier(samLive)
      assert.deepEqual(got(samLive, STATUS, 'user_status', aboutUser(pat.user_id)), [])
    })
  })

  describe('re-authentication', () => {
    it('a new socket authenticated after a disconnect hears the next message', async () => {
      const [ann, bob] = await Promise.all([user('Reauth Ann'), user('Reauth Bob')])
      const chat = await openPrivateChat(server.url, ann, bob)
      const old = await connect(bob)
      const before = await sendText(server.url, ann, chat.chat_id, 'before the drop')
      await arrives(old, MESSAGES, 'created', byId(before.message_id))
      old.close()

      const fresh = await connect(bob)
      const next = await sendText(server.url, ann, chat.chat_id, 'after the drop')
      assert.deepEqual(await arrives(fresh, MESSAGES, 'created', byId(next.message_id)), next)
      assert.equal(got(fresh, MESSAGES, 'created', byId(before.message_id)).length, 0)
    })

    it('reAuthenticate(true) on a live socket keeps delivery working, without duplicates', async () => {
      const [ann, bob] = await Promise.all([user('Reauth2 Ann'), user('Reauth2 Bob')])
      const chat = await openPrivateChat(server.url, ann, bob)
      const annLive = await connect(ann)
      const bobLive = await connect(bob)
      await arrives(annLive, STATUS, 'user_status', (s) => s.user_id === bob.user_id && s.status === 'online')

      const again = await bobLive.client.reAuthenticate(true)
      assert.equal(again.user.user_id, bob.user_id)
      await bobLive.client.reAuthenticate(true)
      const after = await sendText(server.url, ann, chat.chat_id, 'after re-authentication')
      assert.deepEqual(await arrives(bobLive, MESSAGES, 'created', byId(after.message_id)), after)
      await call(ann, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: true })
      await call(ann, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: false })

      const barrier = await sendText(server.url, ann, chat.chat_id, 'barrier')
      await arrives(bobLive, MESSAGES, 'created', byId(barrier.message_id))
      assert.equal(got(bobLive, MESSAGES, 'created', byId(after.message_id)).length, 1, 'duplicate message')
      assert.equal(got(bobLive, TYPING, 'typing_start').length, 1, 'duplicate typing_start')
      assert.equal(got(bobLive, TYPING, 'typing_stop').length, 1, 'duplicate typing_stop')
      // Re-authenticating is not coming online again.
      await presenceBarrier(annLive)
      assert.equal(got(annLive, STATUS, 'user_status', aboutUser(bob.user_id)).length, 1)
    })
  })

  describe('logout', () => {
    it('after POST /api/auth/logout, that session’s socket hears no further messages', async () => {
      const [ann, lou] = await Promise.all([user('Logout Ann'), user('Logout Lou')])
      const second = await call('', 'POST', '/api/auth/login', { email: lou.email, password: lou.password })
      const chat = await openPrivateChat(server.url, ann, lou)
      const ended = await connect(lou) // session 1
      const kept = await connect(lou, second.access_token) // session 2

      const before = await sendText(server.url, ann, chat.chat_id, 'before logout')
      for (const l of [ended, kept]) await arrives(l, MESSAGES, 'created', byId(before.message_id))

      const res = await http(server.url, 'POST', '/api/auth/logout', { token: lou.access_token, body: {} })
      assert.equal(res.status, 200)

      const after = await sendText(server.url, ann, chat.chat_id, 'after logout')
      await call(ann, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: true })
      // Barrier through the other session's socket, then a reply on the logged-out socket itself (a reply
      // comes after anything that socket was sent before it).
      await arrives(kept, MESSAGES, 'created', byId(after.message_id))
      await arrives(kept, TYPING, 'typing_start', inChat(chat.chat_id))
      await assert.rejects(ended.client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
      assert.equal(got(ended, MESSAGES, 'created', byId(after.message_id)).length, 0, 'heard after logout')
      assert.equal(got(ended, TYPING, 'typing_start').length, 0, 'heard typing after logout')
    })

    it('a logout naming another of my sessions by its refresh token detaches that session’s socket too', async () => {
      const [ann, lou] = await Promise.all([user('Logout Ann 2'), user('Logout Lou 2')])
      const other = await call('', 'POST', '/api/auth/login', { email: lou.email, password: lou.password })
      const third = await call('', 'POST', '/api/auth/login', { email: lou.email, password: lou.password })
      const chat = await openPrivateChat(server.url, ann, lou)
      const named = await connect(lou, other.access_token)
      const kept = await connect(lou, third.access_token)
      const res = await http(server.url, 'POST', '/api/auth/logout', {
        token: lou.access_token,
        body: { refresh_token: other.refresh_token }
      })
      assert.equal(res.status, 200)
      const after = await sendText(server.url, ann, chat.chat_id, 'after the logout of two sessions')
      await arrives(kept, MESSAGES, 'created', byId(after.message_id))
      await assert.rejects(named.client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
      assert.equal(got(named, MESSAGES, 'created', byId(after.message_id)).length, 0, 'heard after logout')
      assert.equal(got(kept, 'api/auth/logout', 'ended').length, 0, 'the internal event reached a client')
    })
  })

  describe('services with custom events, called through the typed Feathers client over its socket', () => {
    // The same calls as the REST ones above, made the way README's "Feathers client" section shows.
    let ann: TestUser
    let bob: TestUser
    let chatId: string
    let annLive: Live
    let bobLive: Live

    before(async () => {
      ;[ann, bob] = await Promise.all([user('Client Ann'), user('Client Bob')])
      chatId = (await openPrivateChat(server.url, ann, bob)).chat_id
      annLive = await connect(ann)
      bobLive = await connect(bob)
      await arrives(annLive, STATUS, 'user_status', (s) => s.user_id === bob.user_id && s.status === 'online')
    })

    it('typing: create() resolves with the typing state and typing_start reaches the other member', async () => {
      const result = await annLive.client
        .service(TYPING)
        .create({ typing: true }, { route: { chat_id: chatId } })
      assert.deepEqual(result, { chat_id: chatId, user_id: ann.user_id, typing: true })
      assert.deepEqual(await arrives(bobLive, TYPING, 'typing_start', inChat(chatId)), {
        chat_id: chatId,
        user_id: ann.user_id
      })
    })

    it('mark-read: update() resolves with the receipt and read reaches the members', async () => {
      const message = await sendText(server.url, ann, chatId, 'read me')
      const receipt = await bobLive.client
        .service(READ)
        .update(null, { message_id: message.message_id }, { route: { chat_id: chatId } })
      assert.equal(receipt.last_read_seq, message.seq)
      const expected = { chat_id: chatId, user_id: bob.user_id, last_read_seq: message.seq }
      assert.deepEqual(await arrives(annLive, READ, 'read', (r) => r.user_id === bob.user_id), expected)
    })

    it('status: update() resolves with the status and user_status reaches the users sharing a chat', async () => {
      const result = await bobLive.client.service(STATUS).update(null, { status: 'away' })
      assert.equal(result.status, 'away')
      const event = await arrives(
        annLive,
        STATUS,
        'user_status',
        (s) => s.user_id === bob.user_id && s.status === 'away'
      )
      assert.deepEqual(event, result)
    })
  })

  after(assertNoSecretsSeen)
})

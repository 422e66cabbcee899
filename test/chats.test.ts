import assert from 'node:assert/strict'
import { ulid } from 'ulid'
import {
  assertNoSecretsSeen,
  createUser,
  http,
  openPrivateChat,
  postPrivateChat,
  sendText,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

// Chats end to end over REST: private chats (created once, race-safe), my chat list (order, last message,
// unread counts, the other user / group info, pagination), chat details and the read pointer.
describe('chats: private chats, chat list, details, mark-read (REST)', () => {
  let server: TestServer
  let url: string

  const myChats = (user: TestUser, query = '') =>
    http(url, 'GET', `/api/chats${query}`, { token: user.access_token })
  const chatOf = (user: TestUser, chatId: string) =>
    http(url, 'GET', `/api/chats/${chatId}`, { token: user.access_token })
  const markRead = (user: TestUser, chatId: string, body: unknown = {}) =>
    http(url, 'PUT', `/api/chats/${chatId}/mark-read`, { token: user.access_token, body })

  before(async () => {
    server = await startServer()
    url = server.url
  })
  after(() => server.stop())

  describe('POST /api/chats/private', () => {
    let ann: TestUser
    let bob: TestUser

    before(async () => {
      ann = await createUser(url, 'Priv Ann')
      bob = await createUser(url, 'Priv Bob')
    })

    it('creates the chat once (201), then returns the same chat (200) from either side', async () => {
      const first = await postPrivateChat(url, ann, bob)
      assert.equal(first.status, 201, first.text)
      assert.equal(first.body.type, 'private')
      assert.equal(typeof first.body.chat_id, 'string')
      assert.equal(first.body.private_key, undefined, 'the internal key stays internal')
      assert.equal(first.body.id, undefined)
      const members = first.body.members.map((m: any) => m.user_id).sort()
      assert.deepEqual(members, [ann.user_id, bob.user_id].sort())
      assert.equal(first.body.other_user.user_id, bob.user_id)

      const again = await postPrivateChat(url, ann, bob)
      assert.equal(again.status, 200, again.text)
      assert.equal(again.body.chat_id, first.body.chat_id)
      const reverse = await postPrivateChat(url, bob, ann)
      assert.equal(reverse.status, 200)
      assert.equal(reverse.body.chat_id, first.body.chat_id)
      assert.equal(reverse.body.other_user.user_id, ann.user_id, 'other_user is relative to the caller')
    })

    it('refuses a chat with yourself (400), an unknown user (404), bad bodies (400) and no token (401)', async () => {
      const self = await postPrivateChat(url, ann, ann)
      assert.equal(self.status, 400, self.text)
      assert.match(self.body.message, /user_id/)
      assert.equal((await postPrivateChat(url, ann, ulid())).status, 404)
      const missing = await http(url, 'POST', '/api/chats/private', { token: ann.access_token, body: {} })
      assert.equal(missing.status, 400)
      assert.match(missing.body.message, /user_id/)
      const extra = await http(url, 'POST', '/api/chats/private', {
        token: ann.access_token,
        body: { user_id: bob.user_id, name: 'x' }
      })
      assert.equal(extra.status, 400)
      assert.match(extra.body.message, /name/)
      assert.equal(
        (await http(url, 'POST', '/api/chats/private', { body: { user_id: bob.user_id } })).status,
        401
      )
    })

    it('10 concurrent calls between the same two users (both directions) converge on one chat', async () => {
      const x = await createUser(url, 'Race X')
      const y = await createUser(url, 'Race Y')
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? postPrivateChat(url, x, y) : postPrivateChat(url, y, x)
        )
      )
      for (const res of results) assert.ok(res.status === 201 || res.status === 200, res.text)
      assert.equal(results.filter((r) => r.status === 201).length, 1, 'exactly one creation')
      const ids = new Set(results.map((r) => r.body.chat_id))
      assert.equal(ids.size, 1, `one chat_id, got ${[...ids].join(', ')}`)
      for (const user of [x, y]) {
        const list = await myChats(user)
        assert.equal(list.body.data.length, 1)
        assert.equal(list.body.data[0].chat_id, [...ids][0])
        const chat = await chatOf(user, [...ids][0])
        assert.equal(chat.body.members.length, 2)
      }
    })
  })

  describe('GET /api/chats and GET /api/chats/:chat_id', () => {
    let ann: TestUser
    let bob: TestUser
    let carl: TestUser
    let dora: TestUser
    let withBob: string
    let withCarl: string
    let groupChat: string
    let groupId: string
    let bobCarl: string

    before(async () => {
      ann = await createUser(url, 'List Ann')
      bob = await createUser(url, 'List Bob')
      carl = await createUser(url, 'List Carl')
      dora = await createUser(url, 'List Dora')
      withBob = (await openPrivateChat(url, ann, bob)).chat_id
      withCarl = (await openPrivateChat(url, carl, ann)).chat_id
      const group = await http(url, 'POST', '/api/groups', {
        token: dora.access_token,
        body: { name: 'List Group', description: 'for the list', member_ids: [ann.user_id, bob.user_id] }
      })
      assert.equal(group.status, 201, group.text)
      groupChat = group.body.chat_id
      groupId = group.body.group_id
      bobCarl = (await openPrivateChat(url, bob, carl)).chat_id
    })

    it('lists only my chats, each with other_user (no email) or group info', async () => {
      const res = await myChats(ann)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.data.length, 3)
      assert.equal(res.body.has_more, false)
      const ids = res.body.data.map((c: any) => c.chat_id)
      assert.deepEqual([...ids].sort(), [withBob, withCarl, groupChat].sort())
      assert.ok(!ids.includes(bobCarl), 'not a chat of someone else')

      const priv = res.body.data.find((c: any) => c.chat_id === withBob)
      assert.equal(priv.type, 'private')
      assert.equal(priv.other_user.user_id, bob.user_id)
      assert.equal(priv.other_user.name, 'List Bob')
      assert.equal(priv.other_user.email, undefined, 'no email of the other user')
      assert.equal(priv.other_user.password_hash, undefined)
      assert.equal(priv.private_key, undefined)
      const reverse = res.body.data.find((c: any) => c.chat_id === withCarl)
      assert.equal(reverse.other_user.user_id, carl.user_id)

      const group = res.body.data.find((c: any) => c.chat_id === groupChat)
      assert.equal(group.type, 'group')
      assert.equal(group.name, 'List Group')
      assert.equal(group.group.group_id, groupId)
      assert.equal(group.group.name, 'List Group')
      assert.equal(group.group.owner_id, dora.user_id)
      assert.equal(group.group.member_count, 3)
      assert.equal(group.other_user, undefined)

      for (const chat of res.body.data) {
        assert.equal(chat.last_message, null, 'no messages yet')
        assert.equal(chat.unread_count, 0)
      }
      const text = JSON.stringify(res.body)
      for (const user of [bob, carl, dora]) assert.ok(!text.includes(user.email), 'no email in the list')

      const onlyGroups = await myChats(ann, '?type=group')
      assert.deepEqual(
        onlyGroups.body.data.map((c: any) => c.chat_id),
        [groupChat]
      )
      assert.equal((await myChats(ann, '?owner=x')).status, 400)
      assert.equal((await http(url, 'GET', '/api/chats')).status, 401)
    })

    it('orders by last activity: sending in an older chat moves it to the top', async () => {
      // No messages yet: newest chat first.
      const initial = await myChats(ann)
      assert.deepEqual(
        initial.body.data.map((c: any) => c.chat_id),
        [groupChat, withCarl, withBob]
      )
      await sendText(url, bob, withBob, 'bump the oldest')
      const afterBob = await myChats(ann)
      assert.deepEqual(
        afterBob.body.data.map((c: any) => c.chat_id),
        [withBob, groupChat, withCarl]
      )
      await sendText(url, ann, withCarl, 'now carl')
      const afterCarl = await myChats(ann)
      assert.deepEqual(
        afterCarl.body.data.map((c: any) => c.chat_id),
        [withCarl, withBob, groupChat]
      )
      await sendText(url, dora, groupChat, 'group news')
      const afterGroup = await myChats(ann)
      assert.deepEqual(
        afterGroup.body.data.map((c: any) => c.chat_id),
        [groupChat, withCarl, withBob]
      )
    })

    it('shows the last message and the unread count; my own messages are not unread for me', async () => {
      const fresh = await createUser(url, 'Unread Eve')
      const chatId = (await openPrivateChat(url, ann, fresh)).chat_id
      await sendText(url, ann, chatId, 'mine 1')
      await sendText(url, ann, chatId, 'mine 2')
      let mine = (await myChats(ann)).body.data.find((c: any) => c.chat_id === chatId)
      assert.equal(mine.unread_count, 0, 'my own messages are not unread for me')
      assert.equal(mine.last_message.content, 'mine 2')
      let theirs = (await myChats(fresh)).body.data.find((c: any) => c.chat_id === chatId)
      assert.equal(theirs.unread_count, 2)

      await sendText(url, fresh, chatId, 'one')
      await sendText(url, fresh, chatId, 'two')
      const last = await sendText(url, fresh, chatId, 'three')
      mine = (await myChats(ann)).body.data.find((c: any) => c.chat_id === chatId)
      assert.equal(mine.unread_count, 3)
      assert.equal(mine.last_message.message_id, last.message_id)
      assert.equal(mine.last_message.content, 'three')
      assert.equal(mine.last_message.sender_id, fresh.user_id)
      assert.equal(mine.last_seq, 5)
      theirs = (await myChats(fresh)).body.data.find((c: any) => c.chat_id === chatId)
      assert.equal(theirs.unread_count, 0, 'sending reads everything before it')
      const detail = await chatOf(ann, chatId)
      assert.equal(detail.body.unread_count, 3)
      assert.equal(detail.body.last_message.message_id, last.message_id)

      const bobView = (await myChats(bob)).body.data.find((c: any) => c.chat_id === withBob)
      assert.equal(bobView.unread_count, 0)
      const annView = (await myChats(ann)).body.data.find((c: any) => c.chat_id === withBob)
      assert.equal(annView.unread_count, 1)
      const groupView = (await myChats(bob)).body.data.find((c: any) => c.chat_id === groupChat)
      assert.equal(groupView.unread_count, 1)
      assert.equal(groupView.last_message.content, 'group news')
    })

    it('paginates with $limit / $skip as {data, limit, skip, has_more} (no total)', async () => {
      const all = await myChats(ann)
      assert.deepEqual(Object.keys(all.body).sort(), ['data', 'has_more', 'limit', 'skip'])
      assert.deepEqual(
        [all.body.data.length, all.body.limit, all.body.skip, all.body.has_more],
        [4, 20, 0, false]
      )
      const count = all.body.data.length
      const seen: string[] = []
      for (let skip = 0; skip < count; skip += 1) {
        const page = await myChats(ann, `?$limit=1&$skip=${skip}`)
        assert.equal(page.status, 200)
        assert.equal(page.body.total, undefined)
        assert.equal(page.body.limit, 1)
        assert.equal(page.body.skip, skip)
        assert.equal(page.body.data.length, 1)
        assert.equal(page.body.has_more, skip < count - 1, `has_more at skip ${skip}`)
        seen.push(page.body.data[0].chat_id)
      }
      assert.deepEqual(
        seen,
        all.body.data.map((c: any) => c.chat_id)
      )
      const exact = await myChats(ann, `?$limit=${count}`)
      assert.deepEqual([exact.body.data.length, exact.body.has_more], [count, false])
      const past = await myChats(ann, '?$skip=10')
      assert.deepEqual(past.body.data, [])
      assert.equal(past.body.has_more, false)
      const two = await myChats(ann, '?$limit=2')
      assert.equal(two.body.data.length, 2)
      assert.equal((await myChats(ann, '?$limit=0')).status, 400)
      assert.equal((await myChats(ann, '?$skip=-1')).status, 400)
    })

    it('GET /api/chats/:chat_id gives the chat with its members, to members only', async () => {
      const res = await chatOf(ann, groupChat)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.chat_id, groupChat)
      assert.equal(res.body.type, 'group')
      assert.equal(res.body.group.group_id, groupId)
      const members = res.body.members
      assert.deepEqual(
        members.map((m: any) => m.user_id).sort(),
        [ann.user_id, bob.user_id, dora.user_id].sort()
      )
      const roles = Object.fromEntries(members.map((m: any) => [m.user_id, m.role]))
      assert.equal(roles[dora.user_id], 'owner')
      assert.equal(roles[ann.user_id], 'member')
      for (const m of members) {
        assert.equal(m.email, undefined)
        assert.ok(m.name)
      }

      const priv = await chatOf(bob, withBob)
      assert.equal(priv.status, 200)
      assert.deepEqual(priv.body.members.map((m: any) => m.user_id).sort(), [ann.user_id, bob.user_id].sort())
      assert.equal(priv.body.other_user.user_id, ann.user_id)

      assert.equal((await chatOf(carl, groupChat)).status, 404, 'non-members get 404')
      assert.equal((await chatOf(ann, bobCarl)).status, 404)
      assert.equal((await chatOf(ann, ulid())).status, 404)
    })
  })

  describe('PUT /api/chats/:chat_id/mark-read', () => {
    let ann: TestUser
    let bob: TestUser
    let chatId: string
    let messages: any[]

    before(async () => {
      ann = await createUser(url, 'Read Ann')
      bob = await createUser(url, 'Read Bob')
      chatId = (await openPrivateChat(url, ann, bob)).chat_id
      messages = []
      for (let i = 1; i <= 5; i++) messages.push(await sendText(url, bob, chatId, `unread ${i}`))
    })
    const unreadOf = async (user: TestUser) => {
      const chat = await chatOf(user, chatId)
      const listed = (await myChats(user)).body.data.find((c: any) => c.chat_id === chatId)
      assert.equal(listed.unread_count, chat.body.unread_count, 'list and detail agree')
      return { unread: chat.body.unread_count, lastRead: chat.body.last_read_seq }
    }

    it('with a message_id moves my pointer to that message', async () => {
      assert.deepEqual(await unreadOf(ann), { unread: 5, lastRead: 0 })
      const res = await markRead(ann, chatId, { message_id: messages[1].message_id })
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.chat_id, chatId)
      assert.equal(res.body.user_id, ann.user_id)
      assert.equal(res.body.last_read_seq, messages[1].seq)
      assert.equal(res.body.unread_count, 3)
      assert.deepEqual(await unreadOf(ann), { unread: 3, lastRead: messages[1].seq })
      const member = (await chatOf(bob, chatId)).body.members.find((m: any) => m.user_id === ann.user_id)
      assert.equal(member.last_read_seq, messages[1].seq, 'others see my read pointer')
    })

    it('never moves backwards', async () => {
      const forward = await markRead(ann, chatId, { message_id: messages[3].message_id })
      assert.equal(forward.body.last_read_seq, messages[3].seq)
      const backward = await markRead(ann, chatId, { message_id: messages[0].message_id })
      assert.equal(backward.status, 200, backward.text)
      assert.equal(backward.body.last_read_seq, messages[3].seq, 'the newer pointer stays')
      assert.equal(backward.body.unread_count, 1)
      assert.deepEqual(await unreadOf(ann), { unread: 1, lastRead: messages[3].seq })
    })

    it('without a message_id marks everything read (unread 0)', async () => {
      const res = await markRead(ann, chatId)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.last_read_seq, messages[4].seq)
      assert.equal(res.body.unread_count, 0)
      assert.deepEqual(await unreadOf(ann), { unread: 0, lastRead: messages[4].seq })
      const more = await sendText(url, bob, chatId, 'one more')
      assert.deepEqual(await unreadOf(ann), { unread: 1, lastRead: messages[4].seq })
      const again = await markRead(ann, chatId, {})
      assert.equal(again.body.last_read_seq, more.seq)
      assert.equal((await unreadOf(ann)).unread, 0)
      // No body at all (no Content-Type either), as the document allows: the same as `{}`.
      const latest = await sendText(url, bob, chatId, 'and another')
      const bare = await http(url, 'PUT', `/api/chats/${chatId}/mark-read`, { token: ann.access_token })
      assert.equal(bare.status, 200, bare.text)
      assert.equal(bare.body.last_read_seq, latest.seq)
    })

    it('refuses a message of another chat (400), bad bodies (400) and non-members (404)', async () => {
      const carl = await createUser(url, 'Read Carl')
      const elsewhere = (await openPrivateChat(url, ann, carl)).chat_id
      const foreign = await sendText(url, carl, elsewhere, 'not in that chat')
      const res = await markRead(ann, chatId, { message_id: foreign.message_id })
      assert.equal(res.status, 400, res.text)
      assert.match(res.body.message, /message_id/)
      assert.equal((await markRead(ann, chatId, { message_id: ulid() })).status, 400)
      const extra = await markRead(ann, chatId, { last_read_seq: 99 })
      assert.equal(extra.status, 400)
      assert.match(extra.body.message, /last_read_seq/)
      assert.equal((await markRead(carl, chatId)).status, 404)
      // The other chat's pointer is untouched by the refused call.
      assert.equal((await chatOf(ann, elsewhere)).body.unread_count, 1)
    })
  })

  after(assertNoSecretsSeen)
})

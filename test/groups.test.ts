import assert from 'node:assert/strict'
import { ulid } from 'ulid'
import {
  assertNoSecretsSeen,
  assertRefusesEveryRecord,
  createUser,
  http,
  postMessage,
  sendText,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

// Groups end to end over REST: creation (owner, members, validation, the group's chat), details, updates,
// adding and removing members with the role rules, leaving (owner hand-over, last member), deletion
// (cascading to the chat and its messages) and the member limit.
describe('groups: create, details, update, members, leave, delete, limits (REST)', () => {
  let server: TestServer
  let url: string

  const createGroup = (owner: TestUser, body: unknown, base = url) =>
    http(base, 'POST', '/api/groups', { token: owner.access_token, body })
  const getGroup = (user: TestUser, groupId: string, base = url) =>
    http(base, 'GET', `/api/groups/${groupId}`, { token: user.access_token })
  const addMembers = (user: TestUser, groupId: string, body: unknown, base = url) =>
    http(base, 'POST', `/api/groups/${groupId}/members`, { token: user.access_token, body })
  const removeMember = (user: TestUser, groupId: string, memberId: string) =>
    http(url, 'DELETE', `/api/groups/${groupId}/members/${memberId}`, { token: user.access_token })
  const leave = (user: TestUser, groupId: string) =>
    http(url, 'POST', `/api/groups/${groupId}/leave`, { token: user.access_token, body: {} })
  const chatOf = (user: TestUser, chatId: string) =>
    http(url, 'GET', `/api/chats/${chatId}`, { token: user.access_token })
  const roles = (group: any): Record<string, string> =>
    Object.fromEntries(group.members.map((m: any) => [m.user_id, m.role]))
  /** A group made by `owner` with `members`, then `admins` added one by one (in that order) as admins. */
  const setupGroup = async (owner: TestUser, members: TestUser[], admins: TestUser[] = []) => {
    const res = await createGroup(owner, { name: 'Setup', member_ids: members.map((u) => u.user_id) })
    assert.equal(res.status, 201, res.text)
    for (const admin of admins) {
      const added = await addMembers(owner, res.body.group_id, { user_id: admin.user_id, role: 'admin' })
      assert.equal(added.status, 201, added.text)
    }
    return res.body as { group_id: string; chat_id: string }
  }

  before(async () => {
    server = await startServer()
    url = server.url
  })
  after(() => server.stop())

  describe('create and read', () => {
    let owner: TestUser
    let m1: TestUser
    let m2: TestUser
    let outsider: TestUser

    before(async () => {
      owner = await createUser(url, 'Grp Owner')
      m1 = await createUser(url, 'Grp Member One')
      m2 = await createUser(url, 'Grp Member Two')
      outsider = await createUser(url, 'Grp Outsider')
    })

    it('POST /api/groups makes the creator owner and member_ids members, with the right member_count', async () => {
      const res = await createGroup(owner, {
        name: 'Book Club',
        description: 'We read',
        member_ids: [m1.user_id, m2.user_id, owner.user_id]
      })
      assert.equal(res.status, 201, res.text)
      const g = res.body
      assert.equal(typeof g.group_id, 'string')
      assert.equal(typeof g.chat_id, 'string')
      assert.equal(g.name, 'Book Club')
      assert.equal(g.description, 'We read')
      assert.equal(g.owner_id, owner.user_id)
      assert.equal(g.member_count, 3, 'the creator listed in member_ids counts once')
      assert.equal(g.members.length, 3)
      assert.deepEqual(roles(g), {
        [owner.user_id]: 'owner',
        [m1.user_id]: 'member',
        [m2.user_id]: 'member'
      })
      for (const m of g.members) assert.equal(m.email, undefined)
      assert.equal((await createGroup(owner, { name: 'Solo' })).body.member_count, 1)
    })

    it('the group’s chat appears in GET /api/chats for every member (and only for them)', async () => {
      const res = await createGroup(owner, { name: '  Padded Name  ', member_ids: [m1.user_id] })
      assert.equal(res.status, 201, res.text)
      const { group_id: groupId, chat_id: chatId } = res.body
      assert.equal(res.body.name, 'Padded Name', 'the name is trimmed')
      for (const user of [owner, m1]) {
        const list = await http(url, 'GET', '/api/chats?type=group', { token: user.access_token })
        const chat = list.body.data.find((c: any) => c.chat_id === chatId)
        assert.ok(chat, `the group chat is in ${user.name}’s list`)
        assert.equal(chat.type, 'group')
        assert.equal(chat.group.group_id, groupId)
        assert.equal(chat.group.member_count, 2)
        assert.equal(chat.name, res.body.name, 'the chat carries the group’s name')
      }
      const others = await http(url, 'GET', '/api/chats', { token: outsider.access_token })
      assert.ok(!others.body.data.some((c: any) => c.chat_id === chatId))
      assert.equal((await chatOf(outsider, chatId)).status, 404)
    })

    it('validates: unknown member id, unknown fields and a missing name are 400s naming the field', async () => {
      const unknown = await createGroup(owner, { name: 'X', member_ids: [m1.user_id, ulid()] })
      assert.equal(unknown.status, 400, unknown.text)
      assert.match(unknown.body.message, /member_ids/)
      for (const field of ['owner_id', 'member_count', 'group_id', 'chat_id', 'created_at']) {
        const res = await createGroup(owner, { name: 'X', [field]: 'x' })
        assert.equal(res.status, 400, `${field}: ${res.text}`)
        assert.match(res.body.message, new RegExp(`${field} is not allowed`))
      }
      const noName = await createGroup(owner, { member_ids: [m1.user_id] })
      assert.equal(noName.status, 400)
      assert.match(noName.body.message, /name/)
      for (const name of ['', '   ', 'x'.repeat(101)]) {
        const res = await createGroup(owner, { name })
        assert.equal(res.status, 400, `name ${JSON.stringify(name)}: ${res.text}`)
        assert.match(res.body.message, /name/)
      }
      const dupes = await createGroup(owner, { name: 'X', member_ids: [m1.user_id, m1.user_id] })
      assert.equal(dupes.status, 400)
      assert.equal((await http(url, 'POST', '/api/groups', { body: { name: 'X' } })).status, 401)
      // Nothing half-made: the refused creations left no group chat behind.
      const list = await http(url, 'GET', '/api/chats?type=group', { token: m1.access_token })
      assert.ok(!list.body.data.some((c: any) => c.name === 'X'))
    })

    it('GET /api/groups/:group_id shows members with roles, to members only', async () => {
      const { group_id: groupId } = await setupGroup(owner, [m1], [m2])
      const res = await getGroup(m1, groupId)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.group_id, groupId)
      assert.equal(res.body.member_count, 3)
      assert.deepEqual(roles(res.body), {
        [owner.user_id]: 'owner',
        [m1.user_id]: 'member',
        [m2.user_id]: 'admin'
      })
      const member = res.body.members.find((m: any) => m.user_id === m2.user_id)
      assert.equal(member.name, 'Grp Member Two')
      assert.ok(member.joined_at)
      assert.equal((await getGroup(outsider, groupId)).status, 404)
      assert.equal((await getGroup(owner, ulid())).status, 404)
    })
  })

  describe('update', () => {
    let owner: TestUser
    let admin: TestUser
    let member: TestUser
    let group: { group_id: string; chat_id: string }

    before(async () => {
      owner = await createUser(url, 'Upd Owner')
      admin = await createUser(url, 'Upd Admin')
      member = await createUser(url, 'Upd Member')
      group = await setupGroup(owner, [member], [admin])
    })

    it('the owner (PUT) and an admin (PATCH) rename the group; the chat’s name follows', async () => {
      const put = await http(url, 'PUT', `/api/groups/${group.group_id}`, {
        token: owner.access_token,
        body: { name: 'Renamed by owner', description: 'new description' }
      })
      assert.equal(put.status, 200, put.text)
      assert.equal(put.body.name, 'Renamed by owner')
      assert.equal(put.body.description, 'new description')
      let chat = await chatOf(member, group.chat_id)
      assert.equal(chat.body.name, 'Renamed by owner')
      assert.equal(chat.body.description, 'new description')
      assert.equal(chat.body.group.name, 'Renamed by owner')

      const patch = await http(url, 'PATCH', `/api/groups/${group.group_id}`, {
        token: admin.access_token,
        body: { name: '  Renamed by admin ' }
      })
      assert.equal(patch.status, 200, patch.text)
      assert.equal(patch.body.name, 'Renamed by admin')
      assert.equal(patch.body.description, 'new description', 'PATCH keeps what it was not given')
      chat = await chatOf(owner, group.chat_id)
      assert.equal(chat.body.name, 'Renamed by admin')
      const list = await http(url, 'GET', '/api/chats', { token: member.access_token })
      assert.equal(list.body.data.find((c: any) => c.chat_id === group.chat_id).name, 'Renamed by admin')
    })

    it('a member cannot update (403), an outsider gets 404, bad bodies are 400', async () => {
      for (const method of ['PUT', 'PATCH']) {
        const res = await http(url, method, `/api/groups/${group.group_id}`, {
          token: member.access_token,
          body: { name: 'Coup' }
        })
        assert.equal(res.status, 403, `${method}: ${res.text}`)
      }
      const stranger = await createUser(url, 'Upd Stranger')
      const hidden = await http(url, 'PATCH', `/api/groups/${group.group_id}`, {
        token: stranger.access_token,
        body: { name: 'Coup' }
      })
      assert.equal(hidden.status, 404)
      const ownerChange = await http(url, 'PATCH', `/api/groups/${group.group_id}`, {
        token: admin.access_token,
        body: { owner_id: admin.user_id }
      })
      assert.equal(ownerChange.status, 400)
      assert.match(ownerChange.body.message, /owner_id/)
      const empty = await http(url, 'PATCH', `/api/groups/${group.group_id}`, {
        token: owner.access_token,
        body: {}
      })
      assert.equal(empty.status, 400)
      assert.equal((await getGroup(owner, group.group_id)).body.name, 'Renamed by admin')
    })
  })

  describe('members', () => {
    let owner: TestUser
    let admin: TestUser
    let admin2: TestUser
    let member: TestUser
    let newcomer: TestUser
    let another: TestUser
    let group: { group_id: string; chat_id: string }

    before(async () => {
      owner = await createUser(url, 'Mem Owner')
      admin = await createUser(url, 'Mem Admin')
      admin2 = await createUser(url, 'Mem Admin Two')
      member = await createUser(url, 'Mem Member')
      newcomer = await createUser(url, 'Mem Newcomer')
      another = await createUser(url, 'Mem Another')
      group = await setupGroup(owner, [member])
    })

    it('the owner adds an admin; an admin adds a member but not an admin; member_count follows', async () => {
      const byOwner = await addMembers(owner, group.group_id, {
        user_ids: [admin.user_id, admin2.user_id],
        role: 'admin'
      })
      assert.equal(byOwner.status, 201, byOwner.text)
      assert.deepEqual(byOwner.body.map((m: any) => m.user_id).sort(), [admin.user_id, admin2.user_id].sort())
      for (const m of byOwner.body) assert.equal(m.role, 'admin')

      const byAdmin = await addMembers(admin, group.group_id, { user_id: newcomer.user_id })
      assert.equal(byAdmin.status, 201, byAdmin.text)
      assert.equal(byAdmin.body.length, 1)
      assert.equal(byAdmin.body[0].role, 'member')

      const adminMakesAdmin = await addMembers(admin, group.group_id, {
        user_id: another.user_id,
        role: 'admin'
      })
      assert.equal(adminMakesAdmin.status, 403, adminMakesAdmin.text)
      const byMember = await addMembers(member, group.group_id, { user_id: another.user_id })
      assert.equal(byMember.status, 403)

      const g = await getGroup(owner, group.group_id)
      assert.equal(g.body.member_count, 5)
      assert.equal(g.body.members.length, 5)
      assert.deepEqual(roles(g.body), {
        [owner.user_id]: 'owner',
        [member.user_id]: 'member',
        [admin.user_id]: 'admin',
        [admin2.user_id]: 'admin',
        [newcomer.user_id]: 'member'
      })
      const chat = await chatOf(newcomer, group.chat_id)
      assert.equal(chat.status, 200, 'a new member is in the chat')
      assert.equal(chat.body.members.length, 5)
    })

    it('skips users who are already members; unknown users are a 400', async () => {
      const again = await addMembers(owner, group.group_id, {
        user_ids: [member.user_id, another.user_id]
      })
      assert.equal(again.status, 201, again.text)
      assert.deepEqual(
        again.body.map((m: any) => m.user_id),
        [another.user_id],
        'only the new one is added'
      )
      const g = await getGroup(owner, group.group_id)
      assert.equal(g.body.member_count, 6)
      assert.equal(roles(g.body)[member.user_id], 'member', 'the existing member keeps their role')
      const onlyExisting = await addMembers(owner, group.group_id, { user_id: admin.user_id })
      assert.equal(onlyExisting.status, 200, 'nobody added: nothing created')
      assert.deepEqual(onlyExisting.body, [])
      assert.equal(roles((await getGroup(owner, group.group_id)).body)[admin.user_id], 'admin')

      const unknown = await addMembers(owner, group.group_id, { user_ids: [ulid()] })
      assert.equal(unknown.status, 400)
      assert.match(unknown.body.message, /user_ids/)
      const badRole = await addMembers(owner, group.group_id, { user_id: another.user_id, role: 'owner' })
      assert.equal(badRole.status, 400)
      assert.match(badRole.body.message, /role/)
      assert.equal((await getGroup(owner, group.group_id)).body.member_count, 6)
    })

    it('removal: an admin cannot remove the owner or another admin, but removes members', async () => {
      const adminOwner = await removeMember(admin, group.group_id, owner.user_id)
      assert.equal(adminOwner.status, 403, adminOwner.text)
      const adminAdmin = await removeMember(admin, group.group_id, admin2.user_id)
      assert.equal(adminAdmin.status, 403, adminAdmin.text)
      const memberRemoves = await removeMember(member, group.group_id, newcomer.user_id)
      assert.equal(memberRemoves.status, 403)
      const self = await removeMember(admin, group.group_id, admin.user_id)
      assert.equal(self.status, 400, 'leaving is its own route')

      const ok = await removeMember(admin, group.group_id, newcomer.user_id)
      assert.equal(ok.status, 200, ok.text)
      assert.equal(ok.body.user_id, newcomer.user_id)
      assert.equal((await getGroup(newcomer, group.group_id)).status, 404, 'a removed member sees nothing')
      assert.equal((await chatOf(newcomer, group.chat_id)).status, 404)
      const sendAfter = await postMessage(url, newcomer, group.chat_id, { content: 'still here?' })
      assert.equal(sendAfter.status, 404, 'a removed member cannot send')

      const ownerRemovesAdmin = await removeMember(owner, group.group_id, admin2.user_id)
      assert.equal(ownerRemovesAdmin.status, 200, ownerRemovesAdmin.text)
      const notThere = await removeMember(owner, group.group_id, newcomer.user_id)
      assert.equal(notThere.status, 404)

      const g = await getGroup(owner, group.group_id)
      assert.equal(g.body.member_count, 4)
      assert.deepEqual(
        Object.keys(roles(g.body)).sort(),
        [owner, member, admin, another].map((u) => u.user_id).sort()
      )
      assert.equal((await chatOf(owner, group.chat_id)).body.members.length, 4)
    })
  })

  describe('leave', () => {
    it('an owner leaving hands ownership to the longest-standing admin (even over older members)', async () => {
      const owner = await createUser(url, 'Leave Owner')
      const oldMember = await createUser(url, 'Leave Old Member')
      const firstAdmin = await createUser(url, 'Leave First Admin')
      const secondAdmin = await createUser(url, 'Leave Second Admin')
      const group = await setupGroup(owner, [oldMember], [firstAdmin, secondAdmin])

      const res = await leave(owner, group.group_id)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.user_id, owner.user_id)
      assert.equal(res.body.group_deleted, false)
      const g = await getGroup(firstAdmin, group.group_id)
      assert.equal(g.body.owner_id, firstAdmin.user_id)
      assert.equal(g.body.member_count, 3)
      assert.deepEqual(roles(g.body), {
        [oldMember.user_id]: 'member',
        [firstAdmin.user_id]: 'owner',
        [secondAdmin.user_id]: 'admin'
      })
      assert.equal((await getGroup(owner, group.group_id)).status, 404, 'the old owner is out')
      assert.equal((await chatOf(owner, group.chat_id)).status, 404)
      const chat = await chatOf(firstAdmin, group.chat_id)
      assert.equal(chat.body.group.owner_id, firstAdmin.user_id)
      const newOwnerRemoves = await removeMember(firstAdmin, group.group_id, secondAdmin.user_id)
      assert.equal(newOwnerRemoves.status, 200, 'the new owner has the owner’s rights')
    })

    it('without admins, the longest-standing member becomes owner', async () => {
      const owner = await createUser(url, 'Leave2 Owner')
      const first = await createUser(url, 'Leave2 First')
      const second = await createUser(url, 'Leave2 Second')
      const group = await setupGroup(owner, [first])
      assert.equal((await addMembers(owner, group.group_id, { user_id: second.user_id })).status, 201)

      const res = await leave(owner, group.group_id)
      assert.equal(res.status, 200, res.text)
      const g = await getGroup(second, group.group_id)
      assert.equal(g.body.owner_id, first.user_id)
      assert.deepEqual(roles(g.body), { [first.user_id]: 'owner', [second.user_id]: 'member' })
      assert.equal(g.body.member_count, 2)

      const memberLeaves = await leave(second, group.group_id)
      assert.equal(memberLeaves.status, 200)
      const after = await getGroup(first, group.group_id)
      assert.equal(after.body.owner_id, first.user_id, 'a member leaving changes no owner')
      assert.equal(after.body.member_count, 1)
      assert.equal((await leave(second, group.group_id)).status, 404, 'no longer a member')
      const extra = await http(url, 'POST', `/api/groups/${group.group_id}/leave`, {
        token: first.access_token,
        body: { successor: second.user_id }
      })
      assert.equal(extra.status, 400)
    })

    it('leaving, or the group being deleted, ends sending and reading at once (memberships are remembered)', async () => {
      const owner = await createUser(url, 'Leave4 Owner')
      const leaver = await createUser(url, 'Leave4 Leaver')
      const stayer = await createUser(url, 'Leave4 Stayer')
      const group = await setupGroup(owner, [leaver, stayer])
      const history = (user: TestUser) =>
        http(url, 'GET', `/api/chats/${group.chat_id}/messages`, { token: user.access_token })
      const post = (user: TestUser, content: string) => postMessage(url, user, group.chat_id, { content })
      for (const user of [leaver, stayer]) {
        await sendText(url, user, group.chat_id, 'hello')
        assert.equal((await history(user)).status, 200)
      }
      assert.equal((await leave(leaver, group.group_id)).status, 200)
      assert.equal((await post(leaver, 'gone?')).status, 404)
      assert.equal((await history(leaver)).status, 404)

      const deleted = await http(url, 'DELETE', `/api/groups/${group.group_id}`, {
        token: owner.access_token
      })
      assert.ok(deleted.status < 300, deleted.text)
      assert.equal((await post(stayer, 'anyone?')).status, 404)
      assert.equal((await history(stayer)).status, 404)
    })

    it('the last member leaving deletes the group and its chat', async () => {
      const owner = await createUser(url, 'Leave3 Owner')
      const group = await setupGroup(owner, [])
      await sendText(url, owner, group.chat_id, 'talking to myself')
      const res = await leave(owner, group.group_id)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.group_deleted, true)
      assert.equal((await getGroup(owner, group.group_id)).status, 404)
      assert.equal((await chatOf(owner, group.chat_id)).status, 404)
      const list = await http(url, 'GET', '/api/chats', { token: owner.access_token })
      assert.ok(!list.body.data.some((c: any) => c.chat_id === group.chat_id))
      const rejoin = await addMembers(owner, group.group_id, { user_id: owner.user_id })
      assert.equal(rejoin.status, 404)
    })
  })

  describe('delete', () => {
    it('only the owner deletes; the group, its chat and its messages are gone for every former member', async () => {
      const owner = await createUser(url, 'Del Owner')
      const admin = await createUser(url, 'Del Admin')
      const member = await createUser(url, 'Del Member')
      const group = await setupGroup(owner, [member], [admin])
      const message = await sendText(url, member, group.chat_id, 'soon gone')
      await sendText(url, owner, group.chat_id, 'me too')

      assert.equal(
        (await http(url, 'DELETE', `/api/groups/${group.group_id}`, { token: admin.access_token })).status,
        403
      )
      assert.equal(
        (await http(url, 'DELETE', `/api/groups/${group.group_id}`, { token: member.access_token })).status,
        403
      )
      const res = await http(url, 'DELETE', `/api/groups/${group.group_id}`, { token: owner.access_token })
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.group_id, group.group_id)

      for (const user of [owner, admin, member]) {
        assert.equal((await getGroup(user, group.group_id)).status, 404, `${user.name}: group`)
        assert.equal((await chatOf(user, group.chat_id)).status, 404, `${user.name}: chat`)
        const history = await http(url, 'GET', `/api/chats/${group.chat_id}/messages`, {
          token: user.access_token
        })
        assert.equal(history.status, 404, `${user.name}: history`)
        const one = await http(url, 'GET', `/api/messages/${message.message_id}`, {
          token: user.access_token
        })
        assert.equal(one.status, 404, `${user.name}: message`)
        const list = await http(url, 'GET', '/api/chats', { token: user.access_token })
        assert.ok(!list.body.data.some((c: any) => c.chat_id === group.chat_id), `${user.name}: chat list`)
      }
      const db = server.app.get('postgresqlClient')
      const [{ count }] = await db('messages').where({ chat_id: group.chat_id }).count({ count: '*' })
      assert.equal(Number(count), 0, 'the messages are deleted, not just hidden')
      const again = await http(url, 'DELETE', `/api/groups/${group.group_id}`, { token: owner.access_token })
      assert.equal(again.status, 404)
    })
  })

  describe('calls without an id', () => {
    it('never touch every group: DELETE and PATCH /api/groups are 404, remove(null) inside the server is a 400', async () => {
      const owner = await createUser(url, 'NoId Owner')
      const group = await setupGroup(owner, [])
      for (const method of ['DELETE', 'PATCH']) {
        const res = await http(url, method, '/api/groups', {
          token: owner.access_token,
          body: { name: 'All' }
        })
        assert.equal(res.status, 404, `${method}: ${res.text}`)
      }
      await assertRefusesEveryRecord(server.app.service('api/groups'), 'groups', { name: 'All' })
      const still = await getGroup(owner, group.group_id)
      assert.equal(still.status, 200, still.text)
      assert.equal(still.body.name, 'Setup')
    })
  })

  describe('member limit (groupMaxMembers = 3)', () => {
    let small: TestServer
    let owner: TestUser
    let users: TestUser[]

    before(async () => {
      small = await startServer({ settings: { limits: { groupMaxMembers: 3 } } })
      owner = await createUser(small.url, 'Lim Owner')
      users = []
      for (let i = 1; i <= 4; i++) users.push(await createUser(small.url, `Lim User ${i}`))
    })
    after(() => small.stop())

    it('refuses to create a group over the limit', async () => {
      const over = await createGroup(
        owner,
        { name: 'Too big', member_ids: users.slice(0, 3).map((u) => u.user_id) },
        small.url
      )
      assert.equal(over.status, 400, over.text)
      assert.match(over.body.message, /at most 3 members/)
      const full = await createGroup(
        owner,
        { name: 'Just right', member_ids: users.slice(0, 2).map((u) => u.user_id) },
        small.url
      )
      assert.equal(full.status, 201, full.text)
      assert.equal(full.body.member_count, 3)
    })

    it('refuses to add members beyond the limit, all or nothing', async () => {
      const created = await createGroup(owner, { name: 'Growing', member_ids: [users[0].user_id] }, small.url)
      assert.equal(created.status, 201, created.text)
      const groupId = created.body.group_id
      const tooMany = await addMembers(
        owner,
        groupId,
        { user_ids: [users[1].user_id, users[2].user_id] },
        small.url
      )
      assert.equal(tooMany.status, 400, tooMany.text)
      assert.match(tooMany.body.message, /at most 3 members/)
      const check = await getGroup(owner, groupId, small.url)
      assert.equal(check.body.member_count, 2, 'nothing was added')

      const fits = await addMembers(owner, groupId, { user_id: users[1].user_id }, small.url)
      assert.equal(fits.status, 201, fits.text)
      const overFull = await addMembers(owner, groupId, { user_id: users[2].user_id }, small.url)
      assert.equal(overFull.status, 400)
      assert.match(overFull.body.message, /at most 3 members/)
      const existing = await addMembers(owner, groupId, { user_id: users[0].user_id }, small.url)
      assert.equal(existing.status, 200, 'an existing member is skipped, not refused')
      assert.equal((await getGroup(owner, groupId, small.url)).body.member_count, 3)
    })

    it('concurrent additions cannot both pass the limit', async () => {
      const created = await createGroup(owner, { name: 'Race', member_ids: [users[0].user_id] }, small.url)
      assert.equal(created.status, 201, created.text)
      const groupId = created.body.group_id
      const results = await Promise.all(
        [users[1], users[2], users[3]].map((u) =>
          addMembers(owner, groupId, { user_id: u.user_id }, small.url)
        )
      )
      assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join(','))
      assert.equal(results.filter((r) => r.status === 400).length, 2)
      const g = await getGroup(owner, groupId, small.url)
      assert.equal(g.body.member_count, 3)
      assert.equal(g.body.members.length, 3)
    })
  })

  after(assertNoSecretsSeen)
})

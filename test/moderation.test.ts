import assert from 'node:assert/strict'
import type { Knex } from 'knex'
import {
  callAs,
  createGroup,
  createUser,
  eventually,
  http,
  liveSocket,
  openPrivateChat,
  recordEvents,
  sendText,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'
import { testRedis, testKeyPrefix } from './setup'

// Moderation (SPEC §15): reports, mutes (enforced on send, reactions and typing on every instance), group
// bans and the audit rows of every action. Two instances share PostgreSQL and Redis (one when Redis is not
// reachable); who must NOT see or do something is checked next to who may.
describe('moderation', function () {
  this.timeout(60_000)
  let a: TestServer
  let b: TestServer
  let db: Knex
  const sockets: SocketClient[] = []
  let owner: TestUser
  let admin: TestUser
  let member: TestUser
  let other: TestUser
  let outsider: TestUser
  let group: { group_id: string; chat_id: string }

  const auditOf = (groupId: string) =>
    db('audit_log').where({ group_id: groupId }).orderBy('id', 'asc').select('*')

  before(async () => {
    const redis = testRedis.url ? { url: testRedis.url, keyPrefix: testKeyPrefix() } : undefined
    a = await startServer({ settings: redis ? { redis } : {} })
    b = redis ? await startServer({ settings: { redis } }) : a
    db = a.app.get('postgresqlClient')
    ;[owner, admin, member, other, outsider] = await Promise.all(
      ['Mod Owner', 'Mod Admin', 'Mod Member', 'Mod Other', 'Mod Outsider'].map((n) => createUser(a.url, n))
    )
    group = await createGroup(a.url, owner, 'Moderated', [member, other])
    const added = await callAs(a.url, owner, 'POST', `/api/groups/${group.group_id}/members`, {
      user_id: admin.user_id,
      role: 'admin'
    })
    assert.equal(added.status, 201, added.text)
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await a?.stop()
    await b?.stop()
  })

  describe('reports', () => {
    it('a member reports a message (201; again: the same open report, 200); outsiders get 404; bad input 400', async () => {
      const message = await sendText(a.url, other, group.chat_id, 'something rude')
      const path = `/api/messages/${message.message_id}/reports`
      const ownerSocket = await liveSocket(b.url, owner, sockets)
      const adminSocket = await liveSocket(a.url, admin, sockets)
      const memberSocket = await liveSocket(b.url, member, sockets)
      const otherSocket = await liveSocket(a.url, other, sockets)
      const REPORTS = 'api/messages/:message_id/reports'
      const [toOwner, toAdmin, toMember, toOther] = [ownerSocket, adminSocket, memberSocket, otherSocket].map(
        (s) => recordEvents(s.client, REPORTS, ['created'])
      )

      const first = await callAs(a.url, member, 'POST', path, { reason: 'insulting' })
      assert.equal(first.status, 201, first.text)
      assert.equal(first.body.status, 'open')
      assert.equal(first.body.group_id, group.group_id)
      assert.equal(first.body.reporter.user_id, member.user_id)
      assert.equal(first.body.reporter.name, member.name)
      assert.equal(first.body.message.content, 'something rude')
      assert.equal(first.body.message.message_id, message.message_id)
      const again = await callAs(a.url, member, 'POST', path, { reason: 'still insulting' })
      assert.equal(again.status, 200)
      assert.equal(again.body.report_id, first.body.report_id)
      assert.equal(again.body.reason, 'insulting')

      // The new report reaches the group's owner and admin (on either instance), not its plain members.
      await eventually(() => {
        assert.equal(toOwner.length, 1)
        assert.equal(toAdmin.length, 1)
      })
      assert.equal(toOwner[0].data.report_id, first.body.report_id)
      assert.deepEqual([toMember.length, toOther.length], [0, 0])

      assert.equal((await callAs(a.url, outsider, 'POST', path, { reason: 'x' })).status, 404)
      assert.equal((await callAs(a.url, other, 'POST', path, { reason: 'mine' })).status, 400) // own message
      for (const body of [{}, { reason: '' }, { reason: 'x', extra: 1 }, { reason: 42 }]) {
        const res = await callAs(a.url, member, 'POST', path, body)
        assert.equal(res.status, 400, JSON.stringify(body))
      }
      assert.equal(
        (await callAs(a.url, member, 'POST', '/api/messages/no-such-message/reports', { reason: 'x' }))
          .status,
        404
      )

      // Over Socket.IO too.
      const viaSocket = await adminSocket.client
        .service(REPORTS)
        .create({ reason: 'spam' }, { route: { message_id: message.message_id } })
      assert.equal(viaSocket.reporter_id, admin.user_id)
    })

    it('owners and admins list (page shape, status filter) and resolve; members 403, outsiders 404', async () => {
      const message = await sendText(a.url, other, group.chat_id, 'report me')
      const report = (
        await callAs(a.url, member, 'POST', `/api/messages/${message.message_id}/reports`, { reason: 'bad' })
      ).body
      const list = `/api/groups/${group.group_id}/reports`
      const open = await callAs(a.url, owner, 'GET', `${list}?status=open&$limit=100`)
      assert.equal(open.status, 200, open.text)
      assert.deepEqual(Object.keys(open.body).sort(), ['data', 'has_more', 'limit', 'skip'])
      assert.ok(open.body.data.some((r: any) => r.report_id === report.report_id))
      assert.ok(open.body.data.every((r: any) => r.status === 'open' && r.group_id === group.group_id))
      const paged = await callAs(a.url, owner, 'GET', `${list}?$limit=1`)
      assert.deepEqual([paged.body.data.length, paged.body.limit, paged.body.has_more], [1, 1, true])
      assert.equal((await callAs(a.url, owner, 'GET', `${list}?status=closed`)).status, 400)
      assert.equal((await callAs(a.url, owner, 'GET', `${list}?sort=1`)).status, 400)

      assert.equal((await callAs(a.url, member, 'GET', list)).status, 403)
      assert.equal((await callAs(a.url, outsider, 'GET', list)).status, 404)
      const resolve = `${list}/${report.report_id}`
      assert.equal((await callAs(a.url, member, 'PATCH', resolve, { status: 'resolved' })).status, 403)
      assert.equal((await callAs(a.url, outsider, 'PATCH', resolve, { status: 'resolved' })).status, 404)
      assert.equal((await callAs(a.url, admin, 'PATCH', resolve, { status: 'open' })).status, 400)
      assert.equal((await callAs(a.url, admin, 'PATCH', `${list}/nope`, { status: 'resolved' })).status, 404)

      const ownerSocket = await liveSocket(b.url, owner, sockets)
      const memberSocket = await liveSocket(b.url, member, sockets)
      const toOwner = recordEvents(ownerSocket.client, 'api/groups/:group_id/reports', ['patched'])
      const toMember = recordEvents(memberSocket.client, 'api/groups/:group_id/reports', ['patched'])
      const resolved = await callAs(a.url, admin, 'PATCH', resolve, {
        status: 'resolved',
        resolution: 'warned the sender'
      })
      assert.equal(resolved.status, 200, resolved.text)
      assert.equal(resolved.body.status, 'resolved')
      assert.equal(resolved.body.resolved_by, admin.user_id)
      assert.equal(resolved.body.resolution, 'warned the sender')
      await eventually(() => assert.equal(toOwner.length, 1))
      assert.equal(toOwner[0].data.status, 'resolved')
      assert.equal(toMember.length, 0)
      const twice = await callAs(a.url, owner, 'PATCH', resolve, { status: 'resolved', resolution: 'again' })
      assert.equal(twice.body.resolution, 'warned the sender')
      const done = await callAs(b.url, owner, 'GET', `${list}?status=resolved&$limit=100`)
      assert.ok(done.body.data.some((r: any) => r.report_id === report.report_id))

      const audits = (await auditOf(group.group_id)).filter((r: any) => r.action === 'report.resolved')
      assert.equal(audits.length, 1)
      assert.equal(audits[0].actor_id, admin.user_id)
      assert.equal(audits[0].actor_kind, 'user')
      assert.equal(audits[0].target_id, report.report_id)
      // Once resolved, the member may report the message again (a new open report).
      const anew = await callAs(a.url, member, 'POST', `/api/messages/${message.message_id}/reports`, {
        reason: 'it happened again'
      })
      assert.equal(anew.status, 201)
      assert.notEqual(anew.body.report_id, report.report_id)
    })

    it("a private chat's report is stored without a group: no group lists it", async () => {
      const chat = await openPrivateChat(a.url, member, outsider)
      const message = await sendText(a.url, outsider, chat.chat_id, 'private rudeness')
      const res = await callAs(a.url, member, 'POST', `/api/messages/${message.message_id}/reports`, {
        reason: 'harassment'
      })
      assert.equal(res.status, 201, res.text)
      assert.equal(res.body.group_id, null)
      const listed = await callAs(a.url, owner, 'GET', `/api/groups/${group.group_id}/reports?$limit=100`)
      assert.ok(!listed.body.data.some((r: any) => r.report_id === res.body.report_id))
    })
  })

  describe('mutes', () => {
    const mutePath = (userId: string) => `/api/groups/${group.group_id}/members/${userId}/mute`
    const soon = (ms: number) => new Date(Date.now() + ms).toISOString()

    it('only owners and admins mute, an admin not the owner or another admin; until is validated', async () => {
      const until = soon(60_000)
      assert.equal((await callAs(a.url, other, 'POST', mutePath(member.user_id), { until })).status, 403)
      assert.equal((await callAs(a.url, outsider, 'POST', mutePath(member.user_id), { until })).status, 404)
      assert.equal((await callAs(a.url, admin, 'POST', mutePath(owner.user_id), { until })).status, 403)
      assert.equal((await callAs(a.url, admin, 'POST', mutePath(admin.user_id), { until })).status, 400)
      assert.equal((await callAs(a.url, owner, 'POST', mutePath(outsider.user_id), { until })).status, 404)
      assert.equal((await callAs(a.url, other, 'DELETE', mutePath(member.user_id))).status, 403)
      assert.equal((await callAs(a.url, outsider, 'DELETE', mutePath(member.user_id))).status, 404)
      for (const body of [
        {},
        { until: 'tomorrow' },
        { until: soon(-60_000) },
        { until: soon(400 * 24 * 3600 * 1000) },
        { until, extra: true }
      ]) {
        const res = await callAs(a.url, owner, 'POST', mutePath(member.user_id), body)
        assert.equal(res.status, 400, JSON.stringify(body))
        assert.match(res.body.message, /until|extra/)
      }
    })

    it("a muted member's sends, replies, reactions and typing fail with the time on the OTHER instance, over REST and Socket.IO, until unmuted", async () => {
      const target = await sendText(a.url, owner, group.chat_id, 'react to me')
      // The member is active on instance B first: B has their membership cached.
      assert.equal(
        (await sendText(b.url, member, group.chat_id, 'before the mute')).content,
        'before the mute'
      )
      const memberOnB = await liveSocket(b.url, member, sockets)
      const otherOnB = await liveSocket(b.url, other, sockets)
      const MUTE = 'api/groups/:group_id/members/:member_id/mute'
      const heard = recordEvents(otherOnB.client, MUTE, ['created', 'removed'])

      const until = soon(120_000)
      const muted = await callAs(a.url, admin, 'POST', mutePath(member.user_id), { until })
      assert.equal(muted.status, 201, muted.text)
      assert.equal(muted.body.muted_until, new Date(until).toISOString())
      assert.equal(muted.body.muted_by, admin.user_id)

      const refused = (res: { status: number; body: any }) => {
        assert.equal(res.status, 403, JSON.stringify(res.body))
        assert.equal(res.body.data.muted_until, new Date(until).toISOString())
        assert.ok(res.body.message.includes(new Date(until).toISOString()), res.body.message)
      }
      await eventually(async () =>
        refused(
          await callAs(b.url, member, 'POST', `/api/chats/${group.chat_id}/messages`, { content: 'hi' })
        )
      )
      refused(
        await callAs(b.url, member, 'POST', `/api/chats/${group.chat_id}/messages`, {
          content: 'a reply',
          thread_root_id: target.message_id
        })
      )
      refused(
        await callAs(b.url, member, 'POST', `/api/messages/${target.message_id}/reactions`, { emoji: '👍' })
      )
      refused(await callAs(b.url, member, 'POST', `/api/chats/${group.chat_id}/typing`, { typing: true }))
      refused(
        await callAs(a.url, member, 'POST', `/api/chats/${group.chat_id}/messages`, { content: 'on A' })
      )
      const route = { chat_id: group.chat_id }
      for (const call of [
        memberOnB.client.service('api/chats/:chat_id/messages').create({ content: 'socket' }, { route }),
        memberOnB.client.service('api/chats/:chat_id/typing').create({ typing: true }, { route }),
        memberOnB.client
          .service('api/messages/:message_id/reactions')
          .create({ emoji: '🎉' }, { route: { message_id: target.message_id } })
      ]) {
        await assert.rejects(call, (error: any) => {
          assert.equal(error.code, 403)
          assert.equal(error.data.muted_until, new Date(until).toISOString())
          return true
        })
      }
      // A socket that authenticates while muted: the rows its join reads prove the membership with the mute.
      const freshOnB = await liveSocket(b.url, member, sockets)
      await assert.rejects(
        freshOnB.client.service('api/chats/:chat_id/messages').create({ content: 'new socket' }, { route }),
        (error: any) => {
          assert.equal(error.code, 403)
          assert.equal(error.data.muted_until, new Date(until).toISOString())
          return true
        }
      )
      // Others in the group are not affected; reading still works for the muted member.
      await sendText(b.url, other, group.chat_id, 'not muted')
      assert.equal((await callAs(b.url, member, 'GET', `/api/chats/${group.chat_id}/messages`)).status, 200)
      // The group shows the mute; its members heard of it.
      const info = await callAs(b.url, owner, 'GET', `/api/groups/${group.group_id}`)
      const shown = info.body.members.find((m: any) => m.user_id === member.user_id)
      assert.equal(new Date(shown.muted_until).toISOString(), new Date(until).toISOString())
      const listed = await callAs(a.url, admin, 'GET', `/api/groups/${group.group_id}/members`)
      const row = listed.body.find((m: any) => m.user_id === member.user_id)
      assert.equal(new Date(row.muted_until).toISOString(), new Date(until).toISOString())
      await eventually(() =>
        assert.deepEqual(
          heard.map((e) => e.event),
          ['created']
        )
      )
      assert.equal(heard[0].data.user_id, member.user_id)

      const unmuted = await callAs(a.url, owner, 'DELETE', mutePath(member.user_id))
      assert.equal(unmuted.status, 200, unmuted.text)
      assert.equal(unmuted.body.muted_until, null)
      await eventually(async () => {
        const res = await callAs(b.url, member, 'POST', `/api/chats/${group.chat_id}/messages`, {
          content: 'back'
        })
        assert.equal(res.status, 201, res.text)
      })
      assert.equal(
        (await callAs(b.url, member, 'POST', `/api/messages/${target.message_id}/reactions`, { emoji: '👍' }))
          .status,
        201
      )
      await memberOnB.client.service('api/chats/:chat_id/typing').create({ typing: false }, { route })
      await eventually(() =>
        assert.deepEqual(
          heard.map((e) => e.event),
          ['created', 'removed']
        )
      )

      const actions = (await auditOf(group.group_id))
        .filter((r: any) => r.target_id === member.user_id && /muted/.test(r.action))
        .map((r: any) => [r.action, r.actor_id])
      assert.deepEqual(actions, [
        ['group.member_muted', admin.user_id],
        ['group.member_unmuted', owner.user_id]
      ])
    })

    it('a mute ends by itself at its time, on every instance', async () => {
      await sendText(b.url, other, group.chat_id, 'warm the cache on B')
      const muted = await callAs(a.url, owner, 'POST', mutePath(other.user_id), { until: soon(2000) })
      assert.equal(muted.status, 201)
      await eventually(async () => {
        const res = await callAs(b.url, other, 'POST', `/api/chats/${group.chat_id}/typing`, { typing: true })
        assert.equal(res.status, 403)
      })
      await eventually(async () => {
        const res = await callAs(b.url, other, 'POST', `/api/chats/${group.chat_id}/messages`, {
          content: 'the mute is over'
        })
        assert.equal(res.status, 201, res.text)
      }, 10_000)
      const info = await callAs(a.url, owner, 'GET', `/api/groups/${group.group_id}`)
      assert.equal(info.body.members.find((m: any) => m.user_id === other.user_id).muted_until, null)
    })
  })

  describe('bans', () => {
    it('?ban=true removes and bans; a banned user cannot be re-added (atomically); unban allows it', async () => {
      const victim = await createUser(a.url, 'Ban Victim')
      const bystander = await createUser(a.url, 'Ban Bystander')
      const members = `/api/groups/${group.group_id}/members`
      assert.equal((await callAs(a.url, owner, 'POST', members, { user_id: victim.user_id })).status, 201)

      assert.equal(
        (await callAs(a.url, owner, 'DELETE', `${members}/${victim.user_id}?ban=maybe`)).status,
        400
      )
      assert.equal((await callAs(a.url, owner, 'DELETE', `${members}/${victim.user_id}?other=1`)).status, 400)
      assert.equal(
        (await callAs(a.url, member, 'DELETE', `${members}/${victim.user_id}?ban=true`)).status,
        403
      )
      assert.equal(
        (await callAs(a.url, outsider, 'DELETE', `${members}/${victim.user_id}?ban=true`)).status,
        404
      )
      assert.equal((await callAs(a.url, admin, 'DELETE', `${members}/${owner.user_id}?ban=true`)).status, 403)
      const removed = await callAs(a.url, admin, 'DELETE', `${members}/${victim.user_id}?ban=true`)
      assert.equal(removed.status, 200, removed.text)
      assert.equal(removed.body.reason, 'banned')
      assert.equal(
        (await callAs(a.url, victim, 'GET', `/api/chats/${group.chat_id}/messages`)).status,
        404,
        'the banned user is out of the chat'
      )

      const readd = await callAs(a.url, owner, 'POST', members, {
        user_ids: [bystander.user_id, victim.user_id]
      })
      assert.equal(readd.status, 403, readd.text)
      assert.match(readd.body.message, /[Bb]anned/)
      assert.ok(readd.body.message.includes(victim.user_id))
      assert.deepEqual(readd.body.data.banned_user_ids, [victim.user_id])
      const now = await callAs(a.url, owner, 'GET', members)
      assert.ok(!now.body.some((m: any) => m.user_id === bystander.user_id), 'no partial add')
      assert.ok(!now.body.some((m: any) => m.user_id === victim.user_id))

      const bans = `/api/groups/${group.group_id}/bans`
      const listed = await callAs(b.url, admin, 'GET', bans)
      assert.equal(listed.status, 200, listed.text)
      assert.deepEqual(Object.keys(listed.body).sort(), ['data', 'has_more', 'limit', 'skip'])
      const ban = listed.body.data.find((x: any) => x.user_id === victim.user_id)
      assert.equal(ban.banned_by, admin.user_id)
      assert.equal(ban.name, victim.name)
      assert.equal((await callAs(a.url, member, 'GET', bans)).status, 403)
      assert.equal((await callAs(a.url, outsider, 'GET', bans)).status, 404)
      assert.equal((await callAs(a.url, victim, 'GET', bans)).status, 404)
      assert.equal((await callAs(a.url, member, 'DELETE', `${bans}/${victim.user_id}`)).status, 403)
      assert.equal((await callAs(a.url, outsider, 'DELETE', `${bans}/${victim.user_id}`)).status, 404)

      const unbanned = await callAs(a.url, owner, 'DELETE', `${bans}/${victim.user_id}`)
      assert.equal(unbanned.status, 200, unbanned.text)
      assert.equal((await callAs(a.url, owner, 'DELETE', `${bans}/${victim.user_id}`)).status, 404)
      const back = await callAs(a.url, owner, 'POST', members, {
        user_ids: [bystander.user_id, victim.user_id]
      })
      assert.equal(back.status, 201, back.text)
      assert.equal(back.body.length, 2)

      const actions = (await auditOf(group.group_id))
        .filter((r: any) => r.target_id === victim.user_id)
        .map((r: any) => [r.action, r.actor_id])
      assert.deepEqual(actions, [
        ['group.member_added', owner.user_id],
        ['group.member_banned', admin.user_id],
        ['group.member_unbanned', owner.user_id],
        ['group.member_added', owner.user_id]
      ])
    })

    it('a plain removal does not ban; the socket API validates the ban query too', async () => {
      const user = await createUser(a.url, 'Removed Once')
      const members = `/api/groups/${group.group_id}/members`
      await callAs(a.url, owner, 'POST', members, { user_id: user.user_id })
      const ownerSocket = await liveSocket(a.url, owner, sockets)
      const service = ownerSocket.client.service('api/groups/:group_id/members')
      const route = { group_id: group.group_id }
      await assert.rejects(service.remove(user.user_id, { route, query: { ban: 'yes' } } as any), {
        code: 400
      })
      const removed = await service.remove(user.user_id, { route })
      assert.equal(removed.reason, 'removed')
      assert.equal((await callAs(a.url, owner, 'POST', members, { user_id: user.user_id })).status, 201)
    })
  })

  describe('audit log', () => {
    it('records group changes and moderators deleting messages (not authors deleting their own)', async () => {
      const g = await createGroup(a.url, owner, 'Audited', [member])
      assert.equal(
        (await callAs(a.url, owner, 'PATCH', `/api/groups/${g.group_id}`, { name: 'Audited 2' })).status,
        200
      )
      const theirs = await sendText(a.url, member, g.chat_id, 'to be moderated')
      const mine = await sendText(a.url, member, g.chat_id, 'my own to delete')
      assert.equal((await callAs(a.url, owner, 'DELETE', `/api/messages/${theirs.message_id}`)).status, 200)
      assert.equal((await callAs(a.url, member, 'DELETE', `/api/messages/${mine.message_id}`)).status, 200)
      assert.equal((await callAs(a.url, owner, 'DELETE', `/api/groups/${g.group_id}`)).status, 200)
      const rows = await auditOf(g.group_id)
      assert.deepEqual(
        rows.map((r: any) => [r.action, r.actor_id, r.target_id]),
        [
          ['group.updated', owner.user_id, g.group_id],
          ['message.deleted', owner.user_id, theirs.message_id],
          ['group.deleted', owner.user_id, g.group_id]
        ]
      )
      assert.deepEqual(rows[0].details, { fields: ['name'] })
      assert.equal(rows[1].details.sender_id, member.user_id)
      assert.ok(rows.every((r: any) => r.actor_kind === 'user' && r.created_at))
    })

    it('an action that fails writes no audit row (same transaction)', async () => {
      const before = await db('audit_log').count({ n: '*' }).first()
      const stranger = await createUser(a.url, 'Not Added')
      await callAs(a.url, owner, 'POST', `/api/groups/${group.group_id}/members`, {
        user_ids: [stranger.user_id, 'no-such-user']
      })
      assert.equal(
        (
          await callAs(a.url, owner, 'POST', `/api/groups/${group.group_id}/members/${owner.user_id}/mute`, {
            until: new Date(Date.now() + 60_000).toISOString()
          })
        ).status,
        400
      )
      const after = await db('audit_log').count({ n: '*' }).first()
      assert.equal(Number(after!.n), Number(before!.n))
      assert.equal(
        (await http(a.url, 'GET', `/api/groups/${group.group_id}/reports`)).status,
        401,
        'no token, no reports'
      )
    })
  })
})

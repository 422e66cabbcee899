// The admin CLI's moderation (SPEC §15), run as child processes against the test database next to a live
// server sharing its Redis prefix: `audit list` with its filters, `report list|resolve`, and the audit rows
// of `user ban|unban|reset-password` and `message delete`.
import assert from 'node:assert/strict'
import knex, { type Knex } from 'knex'
import {
  callAs,
  createGroup,
  createUser,
  eventually,
  http,
  liveSocket,
  recordEvents,
  sendText,
  startServer,
  type SocketClient,
  type TestServer
} from './helpers'
import { testDatabase, testRedis, testKeyPrefix } from './setup'
import { cliJson, cliOk, runCli } from './cli-helpers'

describe('admin CLI: moderation and the audit log', function () {
  this.timeout(120_000)
  let server: TestServer
  let env: Record<string, string>
  let db: Knex
  const sockets: SocketClient[] = []

  before(async function () {
    if (!testDatabase.url) {
      console.log('    (CLI tests skipped: they need the PostgreSQL test server, not the PGlite fallback)')
      return this.skip()
    }
    const redis = testRedis.url ? { url: testRedis.url, keyPrefix: testKeyPrefix() } : undefined
    server = await startServer({ settings: redis ? { redis } : {} })
    env = {
      DATABASE_URL: testDatabase.url,
      ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix } : {})
    }
    db = knex({ client: 'pg', connection: testDatabase.url, pool: { min: 0, max: 2 } })
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server?.stop()
    await db?.destroy()
  })

  const auditOf = (targetId: string) =>
    db('audit_log').where({ target_id: targetId }).orderBy('id', 'asc').select('*')

  it('user ban, unban and reset-password are audited as the CLI, and still take effect', async () => {
    const user = await createUser(server.url, 'Cli Audited')
    const banned = await cliJson(['user', 'ban', user.email], env)
    assert.ok(banned.banned_at)
    // The ban's effects run once it is committed with its audit row: sessions revoked, login refused.
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })).status,
      401
    )
    const login = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: user.password }
    })
    assert.equal(login.status, 401)
    assert.equal((await cliJson(['user', 'unban', user.user_id], env)).banned_at, null)
    await cliOk(['user', 'reset-password', user.user_id, '--password', 'a fresh moderated secret'], env)
    const weak = await runCli(['user', 'reset-password', user.user_id, '--password', 'abc'], env)
    assert.equal(weak.code, 1)

    const rows = await auditOf(user.user_id)
    assert.deepEqual(
      rows.map((r: any) => [r.action, r.actor_kind, r.actor_id, r.target_type]),
      [
        ['user.banned', 'cli', null, 'user'],
        ['user.unbanned', 'cli', null, 'user'],
        ['user.password_reset', 'cli', null, 'user']
      ]
    )
    assert.doesNotMatch(JSON.stringify(rows), /fresh moderated secret/)
    const relogin = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: user.email, password: 'a fresh moderated secret' }
    })
    assert.equal(relogin.status, 200)
  })

  it('message delete is audited as the CLI', async () => {
    const owner = await createUser(server.url, 'Cli Del Owner')
    const g = await createGroup(server.url, owner, 'Cli Del')
    const message = await sendText(server.url, owner, g.chat_id, 'delete me, CLI')
    await cliJson(['message', 'delete', message.message_id], env)
    const [row] = await auditOf(message.message_id)
    assert.equal(row.action, 'message.deleted')
    assert.equal(row.actor_kind, 'cli')
    assert.equal(row.group_id, g.group_id)
  })

  it('audit list: newest first, filtered by actor, action (prefix), target, group, since, limit', async () => {
    const owner = await createUser(server.url, 'Cli Audit Owner')
    const member = await createUser(server.url, 'Cli Audit Member')
    const g = await createGroup(server.url, owner, 'Cli Audit')
    await callAs(server.url, owner, 'POST', `/api/groups/${g.group_id}/members`, { user_id: member.user_id })
    await callAs(server.url, owner, 'POST', `/api/groups/${g.group_id}/members/${member.user_id}/mute`, {
      until: new Date(Date.now() + 60_000).toISOString()
    })
    await callAs(server.url, owner, 'DELETE', `/api/groups/${g.group_id}/members/${member.user_id}?ban=true`)

    // Read-only commands: they run side by side (each is a CLI process of its own).
    const future = new Date(Date.now() + 3600_000).toISOString()
    const list = (...args: string[]) => cliJson(['audit', 'list', ...args], env)
    const [byGroup, muted, groupAll, limited, byActorTarget, byMember, sinceHour, sinceFuture, cliRows] =
      await Promise.all([
        list('--group', g.group_id),
        list('--group', g.group_id, '--action', 'group.member_muted'),
        list('--group', g.group_id, '--action', 'group.*'),
        list('--group', g.group_id, '--limit', '1'),
        list('--actor', owner.user_id, '--target', member.user_id),
        list('--actor', member.user_id),
        list('--group', g.group_id, '--since', '1h'),
        list('--group', g.group_id, '--since', future),
        list('--actor', 'cli', '--limit', '1000')
      ])
    assert.deepEqual(
      byGroup.map((r: any) => r.action),
      ['group.member_banned', 'group.member_muted', 'group.member_added']
    )
    assert.deepEqual(Object.keys(byGroup[0]), [
      'id',
      'created_at',
      'actor_kind',
      'actor_id',
      'action',
      'target_type',
      'target_id',
      'group_id',
      'details'
    ])
    assert.ok(byGroup.every((r: any) => r.actor_id === owner.user_id && r.target_id === member.user_id))
    assert.equal(byGroup[1].details.until !== undefined, true)
    assert.equal(muted.length, 1)
    assert.equal(groupAll.length, 3)
    assert.equal(limited.length, 1)
    assert.equal(byActorTarget.length, 3)
    assert.equal(byMember.length, 0)
    assert.equal(sinceHour.length, 3)
    assert.equal(sinceFuture.length, 0)
    assert.ok(cliRows.every((r: any) => r.actor_kind === 'cli'))

    const bad = [
      ['--since', 'yesterday'],
      ['--limit', '0'],
      ['--limit', 'x']
    ]
    const [table, none, ...refused] = await Promise.all([
      cliOk(['audit', 'list', '--group', g.group_id], env),
      cliOk(['audit', 'list', '--group', 'no-such-group'], env),
      ...bad.map((args) => runCli(['audit', 'list', ...args], env))
    ])
    assert.match(table, /^ID\s+CREATED_AT\s+ACTOR_KIND\s+ACTOR_ID\s+ACTION/)
    assert.match(table, /group\.member_banned/)
    assert.equal(none, '(none)\n')
    refused.forEach((result, i) => {
      assert.equal(result.code, 1, bad[i].join(' '))
      assert.match(result.stderr, new RegExp(bad[i][0]))
    })
  })

  it('report list and resolve: every report, resolved with a note, audited and announced to the moderators', async () => {
    const owner = await createUser(server.url, 'Cli Report Owner')
    const member = await createUser(server.url, 'Cli Report Member')
    const g = await createGroup(server.url, owner, 'Cli Reports', [member])
    const message = await sendText(server.url, owner, g.chat_id, 'reported content')
    const report = (
      await callAs(server.url, member, 'POST', `/api/messages/${message.message_id}/reports`, {
        reason: 'rude'
      })
    ).body
    const listed = await cliJson(['report', 'list', '--status', 'open', '--group', g.group_id], env)
    assert.deepEqual(
      listed.map((r: any) => [r.report_id, r.reason, r.message.content, r.reporter.user_id]),
      [[report.report_id, 'rude', 'reported content', member.user_id]]
    )
    assert.match(await cliOk(['report', 'list', '--group', g.group_id], env), /reported content/)
    assert.deepEqual(
      await cliJson(['report', 'list', '--status', 'resolved', '--group', g.group_id], env),
      []
    )
    const bad = await runCli(['report', 'list', '--status', 'closed'], env)
    assert.equal(bad.code, 1)

    const ownerSocket = await liveSocket(server.url, owner, sockets)
    const memberSocket = await liveSocket(server.url, member, sockets)
    const PATH = 'api/groups/:group_id/reports'
    const toOwner = recordEvents(ownerSocket.client, PATH, ['patched'])
    const toMember = recordEvents(memberSocket.client, PATH, ['patched'])
    const resolved = await cliJson(
      ['report', 'resolve', report.report_id, '--note', 'removed the message'],
      env
    )
    assert.equal(resolved.status, 'resolved')
    assert.equal(resolved.resolution, 'removed the message')
    assert.equal(resolved.resolved_by, null)
    if (env.REDIS_URL) await eventually(() => assert.equal(toOwner.length, 1))
    assert.equal(toMember.length, 0)
    const [row] = await auditOf(report.report_id)
    assert.deepEqual([row.action, row.actor_kind, row.group_id], ['report.resolved', 'cli', g.group_id])

    const again = await runCli(['report', 'resolve', report.report_id], env)
    assert.equal(again.code, 0)
    assert.match(again.stdout, /already resolved/)
    const missing = await runCli(['report', 'resolve', 'no-such-report'], env)
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr.trim(), 'error: report not found: no-such-report')
  })
})

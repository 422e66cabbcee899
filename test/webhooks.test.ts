import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  createGroup,
  createUser,
  eventually,
  http,
  liveSocket,
  openPrivateChat,
  recordEvents,
  sendText,
  sleep,
  uploadFile,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'
import { startSink, type Sink } from './helpers/webhook-sink'

// Outgoing webhooks (SPEC §15): who may register and read them, delivery with Standard Webhooks signatures
// verified by a local sink, retries, per-chat order, disabling after a failure run (told to the creator only),
// redirects not followed, payloads without anything members cannot see.
const fastRetries = {
  allowPrivateTargets: true,
  retryBaseMs: 40,
  retryMaxMs: 200,
  pollMs: 100,
  timeoutMs: 2000,
  maxConsecutiveFailures: 4,
  maxPerChat: 3
}

describe('outgoing webhooks', () => {
  let server: TestServer
  let url: string
  let owner: TestUser
  let admin: TestUser
  let member: TestUser
  let outsider: TestUser
  let group: { group_id: string; chat_id: string }
  const sockets: SocketClient[] = []
  let uploadDir: string
  const sinks: Sink[] = []

  const register = (user: TestUser, body: Record<string, unknown>) =>
    http(url, 'POST', '/api/webhooks', { token: user.access_token, body })
  const hook = async (sink: Sink, events: string[], chatId = group.chat_id) => {
    const res = await register(owner, { url: sink.url, events, chat_id: chatId })
    assert.equal(res.status, 201, res.text)
    sink.secret = res.body.secret
    return res.body
  }
  const newSink = async () => {
    const sink = await startSink()
    sinks.push(sink)
    return sink
  }
  const remove = (webhookId: string) =>
    http(url, 'DELETE', `/api/webhooks/${webhookId}`, { token: owner.access_token })

  before(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhooks-test-uploads-'))
    server = await startServer({ settings: { webhooks: fastRetries, uploads: { dir: uploadDir } } as any })
    url = server.url
    owner = await createUser(url, 'Hook Owner')
    admin = await createUser(url, 'Hook Admin')
    member = await createUser(url, 'Hook Member')
    outsider = await createUser(url, 'Hook Outsider')
    group = await createGroup(url, owner, 'Hooks', [member])
    const added = await http(url, 'POST', `/api/groups/${group.group_id}/members`, {
      token: owner.access_token,
      body: { user_id: admin.user_id, role: 'admin' }
    })
    assert.equal(added.status, 201, added.text)
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
    await Promise.all(sinks.map((s) => s.close()))
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  it('owner and admins register (secret shown once); members 403, outsiders 404, private chats 400', async () => {
    const sink = await newSink()
    const created = await register(admin, {
      url: sink.url,
      events: ['message.created'],
      chat_id: group.chat_id
    })
    assert.equal(created.status, 201, created.text)
    const webhook = created.body
    assert.match(webhook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
    assert.equal(webhook.chat_id, group.chat_id)
    assert.equal(webhook.active, true)
    assert.equal(webhook.consecutive_failures, 0)
    assert.equal(webhook.created_by, admin.user_id)
    assert.deepEqual(webhook.events, ['message.created'])

    const got = await http(url, 'GET', `/api/webhooks/${webhook.webhook_id}`, { token: owner.access_token })
    assert.equal(got.status, 200, got.text)
    assert.equal(got.body.secret, undefined)
    assert.ok(!got.text.includes(webhook.secret), 'check at line 94')
    const listed = await http(url, 'GET', `/api/webhooks?chat_id=${group.chat_id}`, {
      token: admin.access_token
    })
    assert.equal(listed.status, 200, listed.text)
    assert.ok(
      listed.body.some((w: any) => w.webhook_id === webhook.webhook_id),
      'check at line 97'
    )
    assert.ok(!listed.text.includes('whsec_'), 'check at line 98')

    // A plain member: 403; an outsider: 404 (create, list, get, patch, delete, deliveries).
    const body = { url: sink.url, events: ['message.created' as const], chat_id: group.chat_id }
    assert.equal((await register(member, body)).status, 403)
    assert.equal((await register(outsider, body)).status, 404)
    const path = `/api/webhooks/${webhook.webhook_id}`
    for (const [user, status] of [
      [member, 403],
      [outsider, 404]
    ] as const) {
      const token = user.access_token
      assert.equal(
        (await http(url, 'GET', `/api/webhooks?chat_id=${group.chat_id}`, { token })).status,
        status
      )
      assert.equal((await http(url, 'GET', path, { token })).status, status)
      assert.equal((await http(url, 'PATCH', path, { token, body: { active: false } })).status, status)
      assert.equal((await http(url, 'DELETE', path, { token })).status, status)
      assert.equal((await http(url, 'GET', `${path}/deliveries`, { token })).status, status)
    }
    // The same over Socket.IO for the outsider.
    const socket = await liveSocket(url, outsider, sockets)
    await assert.rejects(socket.client.service('api/webhooks').create(body), { name: 'NotFound' })
    await assert.rejects(
      socket.client
        .service('api/webhooks/:webhook_id/deliveries')
        .find({ route: { webhook_id: webhook.webhook_id } }),
      { name: 'NotFound' }
    )
    await assert.rejects(socket.client.service('api/webhooks').get(webhook.webhook_id), { name: 'NotFound' })

    // A private chat has no webhooks: 400 naming chat_id (404 for one the caller is not in).
    const privateChat = await openPrivateChat(url, owner, member)
    const refused = await register(owner, { ...body, chat_id: privateChat.chat_id })
    assert.equal(refused.status, 400, refused.text)
    assert.match(refused.text, /chat_id/)
    assert.equal((await register(outsider, { ...body, chat_id: privateChat.chat_id })).status, 404)
    assert.equal((await remove(webhook.webhook_id)).status, 200)
    assert.equal((await http(url, 'GET', path, { token: owner.access_token })).status, 404)
  })

  it('works over Socket.IO like REST for the owner: create (with the secret), find, patch, deliveries, remove', async () => {
    const sink = await newSink()
    const socket = await liveSocket(url, owner, sockets)
    const webhooks = socket.client.service('api/webhooks')
    const made = await webhooks.create({ url: sink.url, events: ['member.added'], chat_id: group.chat_id })
    assert.match(made.secret, /^whsec_/)
    const listed = await webhooks.find({ query: { chat_id: group.chat_id } })
    assert.ok(
      listed.some((w) => w.webhook_id === made.webhook_id),
      'listed over the socket'
    )
    assert.ok(!JSON.stringify(listed).includes('whsec_'), 'no secret in the list')
    const patched = await webhooks.patch(made.webhook_id, { events: ['member.added', 'member.removed'] })
    assert.deepEqual(patched.events, ['member.added', 'member.removed'])
    const page = await socket.client
      .service('api/webhooks/:webhook_id/deliveries')
      .find({ route: { webhook_id: made.webhook_id } })
    assert.deepEqual(page.data, [])
    await assert.rejects(webhooks.find({ query: {} as any }), { name: 'BadRequest' })
    const removed = await webhooks.remove(made.webhook_id)
    assert.equal(removed.webhook_id, made.webhook_id)
  })

  it('validates url, events and chat_id (400 naming the field) and limits webhooks per chat', async () => {
    const sink = await newSink()
    const base = { url: sink.url, events: ['message.created'], chat_id: group.chat_id }
    for (const [body, field] of [
      [{ ...base, events: ['message.exploded'] }, 'events'],
      [{ ...base, events: [] }, 'events'],
      [{ ...base, events: 'message.created' }, 'events'],
      [{ ...base, url: 'ftp://127.0.0.1/x' }, 'url'],
      [{ ...base, url: 'not a url' }, 'url'],
      [{ url: sink.url, events: ['message.created'] }, 'chat_id'],
      [{ ...base, extra: 1 }, 'extra']
    ] as const) {
      const res = await register(owner, body as any)
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`)
      assert.ok(res.text.includes(field), `${field}: ${res.text}`)
    }
    const made = []
    for (let i = 0; i < fastRetries.maxPerChat; i++) made.push((await register(owner, base)).body)
    const over = await register(owner, base)
    assert.equal(over.status, 400, over.text)
    assert.match(over.text, /limit/)
    const badPatch = await http(url, 'PATCH', `/api/webhooks/${made[0].webhook_id}`, {
      token: owner.access_token,
      body: { events: ['nope'] }
    })
    assert.equal(badPatch.status, 400)
    assert.match(badPatch.text, /events/)
    for (const w of made) assert.equal((await remove(w.webhook_id)).status, 200)
    // `/api/webhooks/incoming` is the incoming-webhooks service (it asks for its chat_id), not a webhook here.
    const incoming = await http(url, 'GET', '/api/webhooks/incoming', { token: owner.access_token })
    assert.equal(incoming.status, 400)
    assert.match(incoming.body.message, /chat_id/)
  })

  it('delivers every event signed (verified by the sink), retrying failed answers, in order per chat', async () => {
    const sink = await newSink()
    sink.failNext(3) // the first answers fail: retries are exercised
    const webhook = await hook(sink, [
      'message.created',
      'message.updated',
      'message.deleted',
      'reaction.added',
      'reaction.removed',
      'member.added',
      'member.removed'
    ])
    const sent = []
    for (let i = 1; i <= 8; i++) sent.push(await sendText(url, member, group.chat_id, `hook ${i}`))
    await eventually(() => assert.equal(sink.delivered().length, 8), 15000)
    // Every request verified; the created messages arrived in send order, each as members receive it.
    assert.ok(
      sink.received.every((r) => r.verified),
      'every signature verifies'
    )
    assert.ok(sink.received.filter((r) => r.answered === 500).length >= 3, 'check at line 184')
    const delivered = sink.delivered()
    assert.deepEqual(
      delivered.map((r) => r.payload.data.message_id),
      sent.map((m) => m.message_id)
    )
    const first = delivered[0]
    assert.equal(first.payload.type, 'message.created')
    assert.equal(first.headers['content-type'], 'application/json')
    assert.match(String(first.headers['webhook-signature']), /^v1,[A-Za-z0-9+/=]+$/)
    assert.match(String(first.headers['webhook-id']), /^msg_/)
    assert.ok(!Number.isNaN(Date.parse(first.payload.timestamp)), 'check at line 195')
    const message = first.payload.data
    assert.equal(message.content, 'hook 1')
    assert.equal(message.seq, sent[0].seq)
    assert.equal(message.created_at, sent[0].created_at)
    assert.equal(message.sender_id, member.user_id)
    assert.equal(message.id, undefined, 'no internal id')
    assert.equal(message.search_vector, undefined)

    // Edits, deletions, reactions and membership changes fire too.
    const target = sent[0].message_id
    const token = member.access_token
    assert.equal(
      (await http(url, 'PATCH', `/api/messages/${target}`, { token, body: { content: 'edited' } })).status,
      200
    )
    const react = await http(url, 'POST', `/api/messages/${target}/reactions`, {
      token,
      body: { emoji: '👍' }
    })
    assert.equal(react.status, 201, react.text)
    assert.equal(
      (await http(url, 'DELETE', `/api/messages/${target}/reactions/${encodeURIComponent('👍')}`, { token }))
        .status,
      200
    )
    const joined = await http(url, 'POST', `/api/groups/${group.group_id}/members`, {
      token: owner.access_token,
      body: { user_id: outsider.user_id }
    })
    assert.equal(joined.status, 201, joined.text)
    assert.equal(
      (
        await http(url, 'DELETE', `/api/groups/${group.group_id}/members/${outsider.user_id}`, {
          token: owner.access_token
        })
      ).status,
      200
    )
    assert.equal((await http(url, 'DELETE', `/api/messages/${target}`, { token })).status, 200)
    const types = [
      'message.updated',
      'reaction.added',
      'reaction.removed',
      'member.added',
      'member.removed',
      'message.deleted'
    ]
    await eventually(() => assert.equal(sink.delivered().length, 8 + types.length), 15000)
    const later = sink.delivered().slice(8)
    assert.deepEqual(
      later.map((r) => r.payload.type),
      types
    )
    assert.equal(later[0].payload.data.content, 'edited')
    assert.ok(later[0].payload.data.edited_at, 'check at line 223')
    assert.deepEqual(later[1].payload.data, {
      chat_id: group.chat_id,
      message_id: target,
      emoji: '👍',
      user_id: member.user_id,
      count: 1
    })
    assert.equal(later[2].payload.data.count, 0)
    assert.equal(later[3].payload.data.user_id, outsider.user_id)
    assert.equal(later[3].payload.data.name, 'Hook Outsider')
    assert.equal(later[4].payload.data.reason, 'removed')
    assert.ok(later[5].payload.data.deleted_at, 'check at line 229')
    assert.equal(later[5].payload.data.content, '')
    // Nothing members cannot see: no email of anyone, no secret.
    for (const r of sink.received) {
      assert.ok(!r.body.includes('@example.com'), r.body)
      assert.ok(!r.body.includes('whsec_'), r.body)
      assert.ok(!r.body.includes('password'), r.body)
    }

    // The delivery log: failed attempts (500) and delivered ones, newest first.
    // An attempt is logged just after the sink answered it; until then its delivery is listed as queued
    // (state pending, no duration). So wait for every answer the sink gave to be in the log as an attempt.
    const answered500 = sink.received.filter((r) => r.answered === 500).length
    let log: any
    await eventually(async () => {
      log = await http(url, 'GET', `/api/webhooks/${webhook.webhook_id}/deliveries?limit=100`, {
        token: owner.access_token
      })
      assert.equal(log.status, 200, log.text)
      const states = log.body.data.map((a: any) => a.state)
      assert.equal(states.filter((s: string) => s === 'delivered').length, 14, states.join())
      assert.equal(states.filter((s: string) => s === 'failed').length, answered500, states.join())
      assert.equal(states.length, 14 + answered500, states.join())
    }, 5000)
    const attempts = log.body.data
    assert.ok(attempts.length >= 14 + 3, 'check at line 242')
    const failed = attempts.filter((a: any) => a.state === 'failed')
    assert.ok(failed.length >= 3, 'check at line 244')
    assert.equal(failed[0].status_code, 500)
    assert.equal(failed[0].error, 'HTTP 500')
    assert.ok(attempts.filter((a: any) => a.state === 'delivered').length >= 14, 'check at line 247')
    const retried = attempts.find((a: any) => a.state === 'delivered' && a.attempt > 1)
    assert.ok(retried, 'a delivery succeeded on a later attempt')
    assert.ok(
      attempts.every(
        (a: any) => typeof a.duration_ms === 'number' && a.webhook_message_id.startsWith('msg_')
      ),
      'check at line 250'
    )
    const ids = attempts.map((a: any) => Date.parse(a.attempted_at))
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'newest first'
    )
    const page = await http(url, 'GET', `/api/webhooks/${webhook.webhook_id}/deliveries?limit=2`, {
      token: owner.access_token
    })
    assert.equal(page.body.data.length, 2)
    assert.equal(page.body.has_more, true)
    const next = await http(
      url,
      'GET',
      `/api/webhooks/${webhook.webhook_id}/deliveries?limit=2&before=${page.body.cursor}`,
      { token: owner.access_token }
    )
    assert.equal(next.status, 200, next.text)
    assert.notDeepEqual(next.body.data[0], page.body.data[0])
    await remove(webhook.webhook_id)
  })

  it("only events it subscribed to; another chat's events never reach it", async () => {
    const sink = await newSink()
    const webhook = await hook(sink, ['reaction.added'])
    const other = await createGroup(url, owner, 'Other hooks', [member])
    const inOther = await sendText(url, member, other.chat_id, 'elsewhere secret')
    const mine = await sendText(url, member, group.chat_id, 'not subscribed')
    await http(url, 'POST', `/api/messages/${inOther.message_id}/reactions`, {
      token: member.access_token,
      body: { emoji: '🎉' }
    })
    await http(url, 'POST', `/api/messages/${mine.message_id}/reactions`, {
      token: member.access_token,
      body: { emoji: '🎉' }
    })
    await eventually(() => assert.equal(sink.delivered().length, 1), 10000)
    await sleep(300)
    assert.equal(sink.received.length, 1)
    assert.equal(sink.received[0].payload.data.message_id, mine.message_id)
    assert.ok(!sink.received[0].body.includes('elsewhere'), 'check at line 274')
    await remove(webhook.webhook_id)
  })

  it('a file message carries its attachment as members get it', async () => {
    const sink = await newSink()
    const webhook = await hook(sink, ['message.created'])
    const upload = await uploadFile(
      url,
      member.access_token,
      'message',
      Buffer.from('report text'),
      'report.txt',
      'text/plain'
    )
    assert.equal(upload.status, 201, upload.text)
    const sent = await http(url, 'POST', `/api/chats/${group.chat_id}/messages`, {
      token: member.access_token,
      body: { content: 'see attached', type: 'file', file_id: upload.body.file_id }
    })
    assert.equal(sent.status, 201, sent.text)
    await eventually(() => assert.equal(sink.delivered().length, 1), 10000)
    const data = sink.delivered()[0].payload.data
    assert.deepEqual(data.file, sent.body.file)
    assert.equal(data.file.filename, 'report.txt')
    await remove(webhook.webhook_id)
  })

  it('the delivery log keeps delivered deliveries for retentionDays, pending ones always', async () => {
    const sink = await newSink()
    const webhook = await hook(sink, ['message.created'])
    const db = server.app.get('postgresqlClient')
    const row = (state: string, daysAgo: number) => ({
      webhook_id: webhook.webhook_id,
      chat_id: group.chat_id,
      event: 'message.created',
      payload: JSON.stringify({}),
      state,
      finished_at: state === 'delivered' ? db.raw(`now() - (? * interval '1 day')`, [daysAgo]) : null,
      next_attempt_at: db.raw(`now() + interval '1 day'`)
    })
    const [old, recent, waiting] = await db('webhook_deliveries')
      .insert([row('delivered', 30), row('delivered', 1), row('pending', 0)])
      .returning('id')
    await server.app.get('webhookDispatcher')!.prune()
    const left = await db('webhook_deliveries').whereIn('id', [old.id, recent.id, waiting.id]).pluck('id')
    assert.deepEqual(left.sort(), [recent.id, waiting.id].sort())
    await remove(webhook.webhook_id)
  })

  it('a redirect is not followed: the attempt fails', async () => {
    const sink = await newSink()
    const elsewhere = await newSink()
    sink.answerAlways(302, { location: elsewhere.url })
    const webhook = await hook(sink, ['message.created'])
    await sendText(url, member, group.chat_id, 'redirect me')
    const log = () =>
      http(url, 'GET', `/api/webhooks/${webhook.webhook_id}/deliveries`, { token: owner.access_token })
    await eventually(async () => {
      const attempts = (await log()).body.data.filter((a: any) => a.attempt > 0)
      assert.ok(attempts.length >= 1, 'an attempt')
      assert.equal(attempts[0].status_code, 302)
      assert.match(attempts[0].error, /redirect/)
    }, 10000)
    assert.equal(elsewhere.received.length, 0)
    await remove(webhook.webhook_id)
  })

  it('disabled after a run of failures; its creator is told over the socket, other admins and members not', async () => {
    const sink = await newSink()
    sink.answerAlways(500)
    const ownerSocket = await liveSocket(url, owner, sockets)
    const adminSocket = await liveSocket(url, admin, sockets)
    const memberSocket = await liveSocket(url, member, sockets)
    const ownerEvents = recordEvents(ownerSocket.client, 'api/webhooks', ['patched', 'created'])
    const adminEvents = recordEvents(adminSocket.client, 'api/webhooks', ['patched', 'created'])
    const memberEvents = recordEvents(memberSocket.client, 'api/webhooks', ['patched', 'created'])
    const webhook = await hook(sink, ['message.created'])
    await sendText(url, member, group.chat_id, 'will fail')
    await eventually(() => {
      const disabled = ownerEvents.find((e) => e.event === 'patched')
      assert.ok(disabled, 'the creator hears of it')
      assert.equal(disabled.data.active, false)
      assert.equal(disabled.data.webhook_id, webhook.webhook_id)
      assert.equal(disabled.data.consecutive_failures, fastRetries.maxConsecutiveFailures)
      assert.equal(disabled.data.secret, undefined)
    }, 15000)
    assert.equal(ownerEvents.find((e) => e.event === 'created')?.data.secret, undefined)
    assert.equal(sink.received.length, fastRetries.maxConsecutiveFailures)
    await sleep(400)
    assert.equal(sink.received.length, fastRetries.maxConsecutiveFailures, 'no attempts once disabled')
    assert.deepEqual(adminEvents, [])
    assert.deepEqual(memberEvents, [])
    const got = await http(url, 'GET', `/api/webhooks/${webhook.webhook_id}`, { token: owner.access_token })
    assert.equal(got.body.active, false)

    // Re-enabled (failure run reset): the pending delivery goes out.
    sink.answerAlways(0)
    const patched = await http(url, 'PATCH', `/api/webhooks/${webhook.webhook_id}`, {
      token: admin.access_token,
      body: { active: true }
    })
    assert.equal(patched.status, 200, patched.text)
    assert.equal(patched.body.consecutive_failures, 0)
    await eventually(() => assert.equal(sink.delivered().length, 1), 10000)
    assert.equal(sink.delivered()[0].payload.data.content, 'will fail')
    assert.deepEqual(memberEvents, [])

    // The metrics count attempts by outcome, disabled webhooks and the queue.
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text())
    assert.match(metrics, /chat_webhook_attempts_total\{outcome="failed"\} [1-9]/)
    assert.match(metrics, /chat_webhook_attempts_total\{outcome="delivered"\} [1-9]/)
    assert.match(metrics, /chat_webhooks_disabled_total [1-9]/)
    assert.match(metrics, /chat_webhook_deliveries_pending \d+/)
    await remove(webhook.webhook_id)

    // The audit log has the webhook's life: made and re-enabled by people, disabled by the server, removed.
    const audit = await server.app
      .get('postgresqlClient')('audit_log')
      .where({ target_id: webhook.webhook_id })
      .orderBy('id')
      .select('action', 'actor_id', 'actor_kind', 'details')
    assert.deepEqual(
      audit.map((a: any) => [a.action, a.actor_kind, a.actor_id]),
      [
        ['webhook.created', 'user', owner.user_id],
        ['webhook.disabled', 'system', null],
        ['webhook.updated', 'user', admin.user_id],
        ['webhook.removed', 'user', owner.user_id]
      ]
    )
    assert.equal(audit[1].details.consecutive_failures, fastRetries.maxConsecutiveFailures)
    assert.ok(!JSON.stringify(audit).includes('whsec_'), 'no secret in the audit log')
  })
})

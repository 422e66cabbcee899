import assert from 'node:assert/strict'
import { createGroup, createUser, eventually, sendText, startServer, type TestServer } from './helpers'
import { runCli } from './cli-helpers'
import { testDatabase } from './setup'
import { startSink, type Sink } from './helpers/webhook-sink'

// System-wide outgoing webhooks (SPEC §15) come from the admin CLI only: `webhook create` (the SSRF guard
// applies there too), `webhook list`, `webhook remove`; a system-wide webhook gets the events of every chat.
describe('admin CLI: webhook', function () {
  this.timeout(60_000)
  let server: TestServer
  let sink: Sink
  const env = () => ({ DATABASE_URL: testDatabase.url ?? '' })
  let created: string | undefined

  before(async function () {
    if (!testDatabase.url) this.skip() // the CLI needs the shared PostgreSQL database
    server = await startServer({
      settings: { webhooks: { allowPrivateTargets: true, pollMs: 100, retryBaseMs: 50 } } as any
    })
    sink = await startSink()
  })
  after(async () => {
    if (created) await runCli(['webhook', 'remove', created], env())
    await server?.stop()
    await sink?.close()
  })

  it('refuses a private target unless allowed, creates a system-wide webhook that hears every chat, lists and removes it', async () => {
    const refused = await runCli(
      ['webhook', 'create', '--url', sink.url, '--events', 'message.created'],
      env()
    )
    assert.equal(refused.code, 1, refused.stdout)
    assert.match(refused.stderr, /url/)
    const badEvents = await runCli(['webhook', 'create', '--url', sink.url, '--events', 'message.nope'], {
      ...env(),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true'
    })
    assert.equal(badEvents.code, 1)
    assert.match(badEvents.stderr, /events/)

    const made = await runCli(
      ['webhook', 'create', '--url', sink.url, '--events', 'message.created,member.added', '--json'],
      { ...env(), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }
    )
    assert.equal(made.code, 0, made.stderr)
    const webhook = JSON.parse(made.stdout)
    created = webhook.webhook_id
    assert.equal(webhook.chat_id, null)
    assert.equal(webhook.created_by, null)
    assert.match(webhook.secret, /^whsec_/)
    sink.secret = webhook.secret

    const listed = await runCli(['webhook', 'list', '--json'], env())
    assert.equal(listed.code, 0, listed.stderr)
    const rows = JSON.parse(listed.stdout)
    const row = rows.find((w: any) => w.webhook_id === webhook.webhook_id)
    assert.ok(row, 'listed')
    assert.equal(row.secret, undefined)

    // Any chat's events reach it.
    server.app.get('webhookDispatcher')!.wake(true)
    const owner = await createUser(server.url, 'Global Owner')
    const one = await createGroup(server.url, owner, 'Global one')
    const two = await createGroup(server.url, owner, 'Global two')
    await sendText(server.url, owner, one.chat_id, 'in one')
    await sendText(server.url, owner, two.chat_id, 'in two')
    await eventually(() => {
      const chats = new Set(
        sink
          .delivered()
          .filter((r) => r.payload.type === 'message.created')
          .map((r) => r.payload.data.chat_id)
      )
      assert.ok(chats.has(one.chat_id) && chats.has(two.chat_id), `${[...chats]}`)
    }, 15000)
    // A new group's first members are announced to system-wide webhooks too.
    await eventually(() => {
      const added = sink
        .delivered()
        .filter((r) => r.payload.type === 'member.added' && r.payload.data.chat_id === one.chat_id)
      assert.equal(added.length, 1)
      assert.equal(added[0].payload.data.user_id, owner.user_id)
      assert.equal(added[0].payload.data.role, 'owner')
    }, 15000)

    const removed = await runCli(['webhook', 'remove', webhook.webhook_id], env())
    assert.equal(removed.code, 0, removed.stderr)
    created = undefined
    const again = await runCli(['webhook', 'remove', webhook.webhook_id], env())
    assert.equal(again.code, 1)
    assert.match(again.stderr, /webhook not found/)
  })
})

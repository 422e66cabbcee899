import assert from 'node:assert/strict'
import {
  createGroup,
  createUser,
  eventually,
  http,
  sendText,
  sleep,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'
import { startSink, type Sink } from './helpers/webhook-sink'
import { checkTarget, refusedAddress, TargetRefused } from '../src/services/webhooks/target-guard'
import { backoffMs, webhookBody } from '../src/services/webhooks/delivery'

// The SSRF guard of outgoing webhooks (SPEC §15): with private targets not allowed (the default), loopback,
// private, link-local, metadata, CGNAT, multicast and IPv4-mapped addresses are refused on create and patch
// (400 naming url), names that resolve to them too (`localhost`), and again at delivery time (a failed attempt
// with the reason, no request sent).
describe('webhook targets (SSRF guard)', () => {
  it('refuses every non-public address, IPv4-mapped IPv6 included, and accepts public ones', () => {
    const refused = [
      '127.0.0.1',
      '127.1.2.3',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '169.254.0.1',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '240.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1'
    ]
    for (const address of refused) assert.ok(refusedAddress(address), `${address} refused`)
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111'])
      assert.equal(refusedAddress(address), undefined, address)
  })

  it('checks literal hosts in every spelling, names by each DNS answer, schemes and credentials', async () => {
    for (const url of [
      'http://127.0.0.1/x',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://[::1]:8080/',
      'http://[::ffff:7f00:1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:3000/',
      'https://localhost/',
      'ftp://8.8.8.8/',
      'file:///etc/passwd',
      'http://user:pw@8.8.8.8/'
    ]) {
      await assert.rejects(checkTarget(url, false), TargetRefused, url)
    }
    const ok = await checkTarget('https://8.8.8.8/hook', false)
    assert.deepEqual(ok.address, { address: '8.8.8.8', family: 4 })
    // Allowed private targets: the URL is still checked, the address is not.
    assert.equal((await checkTarget('http://127.0.0.1:1/x', true)).address, undefined)
    await assert.rejects(checkTarget('ftp://127.0.0.1/', true), TargetRefused)
  })

  describe('on a server that does not allow private targets', () => {
    let server: TestServer
    let url: string
    let owner: TestUser
    let group: { group_id: string; chat_id: string }
    let sink: Sink
    before(async () => {
      server = await startServer({
        settings: {
          webhooks: { allowPrivateTargets: false, retryBaseMs: 40, retryMaxMs: 100, pollMs: 100 }
        } as any
      })
      url = server.url
      owner = await createUser(url, 'Guard Owner')
      group = await createGroup(url, owner, 'Guarded')
      sink = await startSink()
    })
    after(async () => {
      await server.stop()
      await sink.close()
    })

    it('create and patch with a private or loopback target: 400 naming url', async () => {
      for (const target of [
        sink.url,
        `http://localhost:${sink.port}/hook`,
        'http://[::1]/',
        'http://10.0.0.8/',
        'http://169.254.169.254/'
      ]) {
        const res = await http(url, 'POST', '/api/webhooks', {
          token: owner.access_token,
          body: { url: target, events: ['message.created'], chat_id: group.chat_id }
        })
        assert.equal(res.status, 400, `${target}: ${res.text}`)
        assert.match(res.text, /url/)
      }
      // A webhook made with a public target cannot be pointed at a private one later.
      const made = await http(url, 'POST', '/api/webhooks', {
        token: owner.access_token,
        body: { url: 'https://8.8.8.8/hook', events: ['message.created'], chat_id: group.chat_id }
      })
      assert.equal(made.status, 201, made.text)
      const patched = await http(url, 'PATCH', `/api/webhooks/${made.body.webhook_id}`, {
        token: owner.access_token,
        body: { url: sink.url }
      })
      assert.equal(patched.status, 400, patched.text)
      assert.match(patched.text, /url/)
      await http(url, 'DELETE', `/api/webhooks/${made.body.webhook_id}`, { token: owner.access_token })
    })

    it('at delivery time a target that is (or now resolves to) a private address fails without a request', async () => {
      // As if the name's DNS answer changed after the webhook was checked: stored directly.
      const db = server.app.get('postgresqlClient')
      const webhookId = `guard-${Date.now()}`
      await db('webhooks').insert({
        webhook_id: webhookId,
        chat_id: group.chat_id,
        url: `http://localhost:${sink.port}/hook`,
        events: db.raw(`ARRAY['message.created']`),
        secret: 'whsec_' + Buffer.alloc(32, 1).toString('base64'),
        created_by: owner.user_id
      })
      server.app.get('webhookDispatcher')!.wake(true)
      await sendText(url, owner, group.chat_id, 'never leaves')
      await eventually(async () => {
        const log = await http(url, 'GET', `/api/webhooks/${webhookId}/deliveries`, {
          token: owner.access_token
        })
        const attempts = log.body.data.filter((a: any) => a.attempt > 0)
        assert.ok(attempts.length >= 1, log.text)
        assert.equal(attempts[0].state, 'failed')
        assert.equal(attempts[0].status_code, null)
        assert.match(attempts[0].error, /target refused.*(127\.0\.0\.1|::1)/)
      }, 10000)
      await sleep(200)
      assert.equal(sink.received.length, 0)
      await db('webhooks').where({ webhook_id: webhookId }).delete()
    })
  })
})

describe('webhook retries and bodies', () => {
  it('back-off grows exponentially with jitter, capped; by default the first retry comes within 10 s', () => {
    for (let i = 0; i < 200; i++) {
      const first = backoffMs(1, 2000, 600_000)
      assert.ok(first >= 1000 && first <= 2000, `first retry ${first} ms`)
      const fifth = backoffMs(5, 2000, 600_000)
      assert.ok(fifth >= 16_000 && fifth <= 32_000, `fifth ${fifth} ms`)
      const late = backoffMs(40, 2000, 600_000)
      assert.ok(late >= 300_000 && late <= 600_000, `capped ${late} ms`)
    }
  })

  it('a body is {type, timestamp, data} with the API timestamp form', () => {
    const body = JSON.parse(
      webhookBody({
        event: 'message.created',
        created_at: '2026-12-03T06:00:00.123Z',
        payload: { message_id: 'm', created_at: '2026-12-03T06:00:00.123456+00:00', edited_at: null }
      })
    )
    assert.deepEqual(body, {
      type: 'message.created',
      timestamp: '2026-12-03T06:00:00.123Z',
      data: { message_id: 'm', created_at: '2026-12-03T06:00:00.123Z', edited_at: null }
    })
  })
})

import assert from 'node:assert/strict'
import { SeqOrder } from '../src/realtime/seq-order'
import { SEQ_ORDER_WINDOW_MS } from '../src/realtime/sync'
import {
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
import { testKeyPrefix, testRedis } from './setup'

describe('new messages in seq order per chat', () => {
  describe('the reorder window (SeqOrder)', () => {
    const collect = (windowMs = 30) => {
      const order = new SeqOrder({ windowMs, maxChats: 3 })
      const out: string[] = []
      const deliver = (chat: string, seq: number) => order.deliver(chat, seq, () => out.push(`${chat}${seq}`))
      return { order, out, deliver }
    }

    it('holds an event that is ahead until the seqs before it arrive, then emits them in order', () => {
      const { out, deliver, order } = collect()
      deliver('a', 1)
      deliver('a', 4)
      deliver('a', 3)
      deliver('b', 7) // another chat is not held by a's gap
      assert.deepEqual(out, ['a1', 'b7'])
      deliver('a', 2)
      assert.deepEqual(out, ['a1', 'b7', 'a2', 'a3', 'a4'])
      assert.deepEqual(order.stats, { held: 2, expired: 0 })
    })

    it('gives up on a gap after the window: held events go out in seq order and a late one at once', async () => {
      const { out, deliver, order } = collect()
      deliver('a', 1)
      deliver('a', 5)
      deliver('a', 3)
      assert.deepEqual(out, ['a1'])
      await eventually(() => assert.deepEqual(out, ['a1', 'a3', 'a5']), 2000)
      deliver('a', 2) // the lost one, late: not held behind anything
      deliver('a', 6)
      assert.deepEqual(out, ['a1', 'a3', 'a5', 'a2', 'a6'])
      assert.equal(order.stats.expired, 1)
    })

    it('starts a chat it has not seen at the first seq and forgets the oldest chats beyond its limit', () => {
      const { out, deliver } = collect()
      for (const chat of ['a', 'b', 'c', 'd']) deliver(chat, 10)
      deliver('a', 20) // 'a' was forgotten: a fresh start, not a gap of 11–19
      deliver('d', 11)
      assert.deepEqual(out, ['a10', 'b10', 'c10', 'd10', 'a20', 'd11'])
    })

    it('emits everything held on flush (teardown)', () => {
      const { out, deliver, order } = collect(60_000)
      deliver('a', 1)
      deliver('a', 3)
      order.flush()
      assert.deepEqual(out, ['a1', 'a3'])
    })
  })

  describe('two instances writing to one chat', function () {
    let a: TestServer
    let b: TestServer
    const sockets: SocketClient[] = []
    const keyPrefix = testKeyPrefix()
    let restore: (() => void) | undefined

    before(async function () {
      if (!testRedis.url) this.skip() // with CI=true setup already failed if Redis is missing
      a = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
      b = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix } } })
    })
    afterEach(() => restore?.())
    after(async () => {
      sockets.forEach((s) => s.close())
      await a?.stop()
      await b?.stop()
    })

    /** What reaches B from other instances passes through `intercept` first (a slow or lossy Redis). */
    const interceptOnB = (intercept: (deliver: () => void, raw: string) => void) => {
      const { subscriber } = b.app.get('sync')!
      const listeners = subscriber.listeners('smessage') as Array<(channel: string, raw: string) => void>
      subscriber.removeAllListeners('smessage')
      subscriber.on('smessage', (channel: string, raw: string) =>
        intercept(() => listeners.forEach((l) => l(channel, raw)), raw)
      )
      restore = () => {
        subscriber.removeAllListeners('smessage')
        listeners.forEach((l) => subscriber.on('smessage', l))
        restore = undefined
      }
    }

    const setUp = async (label: string) => {
      const ann = await createUser(a.url, `${label} Ann`)
      const bob = await createUser(b.url, `${label} Bob`)
      const cat = await createUser(b.url, `${label} Cat`)
      const eve = await createUser(b.url, `${label} Eve`)
      const group = await createGroup(a.url, ann, `${label} group`, [bob, cat])
      const catOnB = await liveSocket(b.url, cat, sockets)
      const eveOnB = await liveSocket(b.url, eve, sockets)
      const catHears = recordEvents(catOnB.client, 'api/messages', ['created'])
      const eveHears = recordEvents(eveOnB.client, 'api/messages', ['created'])
      // One message through both instances first, so B has seen the chat (a cold chat starts at any seq).
      await sendText(a.url, ann, group.chat_id, 'warm-up')
      await eventually(() => assert.equal(catHears.length, 1))
      return { ann, bob, cat, group, catHears, eveHears }
    }

    it("a receiver on B gets A's earlier message before B's own later one, though A's reaches B late", async () => {
      const { ann, bob, group, catHears, eveHears } = await setUp('Order')
      const delayed: string[] = []
      interceptOnB((deliver, raw) => {
        if (raw.includes('"api/messages"')) delayed.push(raw)
        setTimeout(deliver, raw.includes('"api/messages"') ? SEQ_ORDER_WINDOW_MS / 2 : 0)
      })
      const first = await sendText(a.url, ann, group.chat_id, 'first, from A')
      const second = await sendText(b.url, bob, group.chat_id, 'second, from B')
      assert.equal(second.seq, first.seq + 1)
      await eventually(() => assert.equal(catHears.length, 3))
      assert.ok(delayed.length >= 1, "A's message crossed the delayed path")
      assert.deepEqual(
        catHears.map((e) => e.data.seq),
        [first.seq - 1, first.seq, second.seq]
      )
      assert.deepEqual(
        catHears.slice(1).map((e) => e.data.content),
        ['first, from A', 'second, from B']
      )
      assert.equal(eveHears.length, 0, 'an outsider on B hears none of it')
      const metrics = await http(b.url, 'GET', '/metrics')
      assert.match(metrics.text, /chat_message_events_reordered\{outcome="held"\} [1-9]/)
    })

    it("a message of A's lost on the way to B does not stall the chat: B's own goes out after the window", async () => {
      const { ann, bob, group, catHears } = await setUp('Lost')
      let dropped = 0
      interceptOnB((deliver, raw) => {
        if (raw.includes('lost on the way')) dropped++
        else deliver()
      })
      const lost = await sendText(a.url, ann, group.chat_id, 'lost on the way')
      const next = await sendText(b.url, bob, group.chat_id, 'after the lost one')
      await eventually(() => assert.equal(catHears.length, 2))
      assert.equal(dropped, 1)
      assert.equal(catHears[1].data.seq, lost.seq + 1)
      assert.equal(catHears[1].data.message_id, next.message_id)
      // and the chat keeps flowing in order afterwards, from either instance
      const later = await sendText(a.url, ann, group.chat_id, 'later, from A')
      await eventually(() => assert.equal(catHears.length, 3))
      assert.equal(catHears[2].data.message_id, later.message_id)
    })
  })
})

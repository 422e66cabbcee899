// A cache delete that fails (Redis down for the instance that makes the change, or a delete that times out) is
// remembered and retried when Redis is back (src/cache.ts); meanwhile the instance neither reads nor writes the
// key. Before: the delete was swallowed, and once Redis returned every instance trusted the stale entry: a
// logged-out or banned user's token kept passing REST authentication elsewhere until the entry's TTL.
import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import { Cache } from '../src/caches/redis-cache'
import { RecentMessages } from '../src/caches/recent-messages'
import type { Application } from '../src/declarations'
import { createUser, eventually, http, startRelay, startServer, type TestServer } from './helpers'
import { testRedis, testKeyPrefix, testRedisUrlVia } from './setup'

const sidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid

describe('cache deletes that fail are retried when Redis is back', function () {
  this.timeout(60000)
  let a: TestServer
  let b: TestServer
  let relayA: Awaited<ReturnType<typeof startRelay>>
  let admin: Redis
  let prefix: string

  before(async function () {
    if (!testRedis.url) this.skip()
    prefix = testKeyPrefix()
    const redisPort = Number(new URL(testRedis.url).port || 6379)
    relayA = await startRelay(() => redisPort)
    admin = new Redis(testRedis.url)
    // A reaches Redis through a relay the test can close; B directly. Same key prefix: one deployment.
    a = await startServer({
      settings: { redis: { url: testRedisUrlVia(relayA.port), keyPrefix: prefix } }
    })
    b = await startServer({ settings: { redis: { url: testRedis.url, keyPrefix: prefix } } })
  })
  after(async () => {
    await a?.stop()
    await b?.stop()
    await relayA?.close()
    admin?.disconnect()
  })

  /** Runs `change` on A while A cannot reach Redis (every connection of A goes through the relay). */
  const whileAHasNoRedis = async (change: () => Promise<void>) => {
    relayA.pause()
    await eventually(() => assert.notEqual(a.app.get('redisClient')!.status, 'ready'))
    await change()
    relayA.resume()
    await eventually(() => assert.equal(a.app.get('redisClient')!.status, 'ready'), 10000)
  }

  it('a logout on A while A has no Redis: B refuses the token over REST once Redis is back', async () => {
    const user = await createUser(a.url, 'Outage Logout')
    const sessionKey = `${prefix}session:${sidOf(user.access_token)}`
    // A REST-only client on B: B caches "session live" in Redis (and remembers the identity for 30 s).
    const before = await http(b.url, 'GET', '/api/users/profile', { token: user.access_token })
    assert.equal(before.status, 200)
    assert.equal(await admin.exists(sessionKey), 1, 'B cached the session')

    await whileAHasNoRedis(async () => {
      const logout = await http(a.url, 'POST', '/api/auth/logout', {
        token: user.access_token,
        body: { refresh_token: user.refresh_token }
      })
      assert.ok(logout.status < 300, logout.text)
    })

    // Before the fix the entry stayed for its TTL (300 s).
    await eventually(async () => assert.equal(await admin.exists(sessionKey), 0, 'stale session:{sid}'))
    // Within moments (B hears A's gap announcement), not after a TTL.
    await eventually(async () => {
      const after = await http(b.url, 'GET', '/api/users/profile', { token: user.access_token })
      assert.equal(after.status, 401, 'B still accepts the logged-out token')
    }, 3000)
    assert.equal((await http(a.url, 'GET', '/api/users/profile', { token: user.access_token })).status, 401)
  })

  it('a ban on A while A has no Redis: B refuses the token over REST once Redis is back', async () => {
    const user = await createUser(a.url, 'Outage Ban')
    const sessionKey = `${prefix}session:${sidOf(user.access_token)}`
    const userKey = `${prefix}user:${user.user_id}`
    assert.equal((await http(b.url, 'GET', '/api/users/profile', { token: user.access_token })).status, 200)
    assert.equal(await admin.exists(userKey), 1, 'B cached the user')
    assert.equal(await admin.exists(sessionKey), 1, 'B cached the session')

    await whileAHasNoRedis(async () => {
      // The admin path (the CLI's internal patch), as in ban.test.ts.
      await a.app.service('api/users').patch(user.user_id, { banned_at: new Date().toISOString() })
    })

    await eventually(async () => {
      assert.equal(await admin.exists(sessionKey), 0, 'stale session:{sid}')
      const cached = await admin.get(userKey)
      assert.ok(cached === null || JSON.parse(cached).banned_at, 'stale user:{id} (not banned)')
    })
    await eventually(async () => {
      const after = await http(b.url, 'GET', '/api/users/profile', { token: user.access_token })
      assert.equal(after.status, 401, 'B still accepts the banned user’s token')
    }, 3000)
  })
})

describe('Cache: keys whose delete failed', () => {
  /** A Cache over a stand-in client: `fail` decides whether DEL fails. */
  const fakeCache = (maxPending?: number) => {
    const store = new Map<string, string>()
    const listeners: Record<string, Array<() => void>> = {}
    const calls = { set: 0 }
    const state = { fail: false }
    const client = {
      status: 'ready' as string,
      on: (event: string, listener: () => void) => (listeners[event] ??= []).push(listener),
      get: async (key: string) => store.get(key) ?? null,
      set: async (key: string, value: string) => {
        calls.set++
        store.set(key, value)
        return 'OK'
      },
      del: async (...keys: string[]) => {
        if (state.fail) throw new Error('Command timed out')
        keys.forEach((k) => store.delete(k))
        return keys.length
      }
    }
    const settings: Record<string, unknown> = {
      redisClient: client,
      redis: { keyPrefix: 'p:' },
      logger: { warn: () => undefined, info: () => undefined }
    }
    const app = { get: (name: string) => settings[name], emit: () => true } as unknown as Application
    const cache = new Cache(app, maxPending)
    const ready = () => listeners.ready?.forEach((l) => l())
    return { cache, store, calls, state, ready, client }
  }

  it('a read of a pending key does not return the cached value, a set of it does not happen, and the retry ends it', async () => {
    const { cache, store, calls, state, ready } = fakeCache()
    const key = cache.key('session', 's1')
    await cache.set(key, 'u1', 300)
    assert.equal(await cache.get(key), 'u1')

    state.fail = true
    await cache.del(key)
    assert.equal(store.get(key), '"u1"', 'the delete failed: Redis still holds the entry')
    assert.equal(await cache.get(key), undefined, 'a pending key is read from PostgreSQL, not Redis')
    const sets = calls.set
    await cache.set(key, 'u1', 300)
    assert.equal(calls.set, sets, 'no set of a pending key')
    assert.equal(await cache.get(cache.key('session', 's2')), undefined)

    state.fail = false
    ready() // the client is ready again
    await eventually(() => assert.equal(store.has(key), false, 'the retry deleted the entry'))
    await cache.set(key, 'u2', 300)
    assert.equal(await cache.get(key), 'u2', 'trusted again after the retry')
  })

  it('an edit made while Redis is down drops its chat’s message_queue once Redis is back', async () => {
    const { cache, store, client, ready } = fakeCache()
    const queues = new RecentMessages(cache)
    const key = cache.key('message_queue', 'c1')
    store.set(key, 'the queue before the edit')
    client.status = 'reconnecting'
    await queues.put({ chat_id: 'c1', seq: 7 })
    assert.equal(cache.trusts(key), false, 'the queue is not served until it is dropped')
    client.status = 'ready'
    ready()
    await eventually(() => assert.equal(store.has(key), false, 'the stale queue was deleted'))
    assert.equal(cache.trusts(key), true)
  })

  it('past the bound, every key of that kind is distrusted until one SCAN deletes them all', async function () {
    if (!testRedis.url) this.skip()
    const prefix = testKeyPrefix()
    const redisPort = Number(new URL(testRedis.url).port || 6379)
    const relay = await startRelay(() => redisPort)
    const admin = new Redis(testRedis.url)
    const client = new Redis(testRedisUrlVia(relay.port), {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50
    })
    client.on('error', () => undefined)
    const settings: Record<string, unknown> = {
      redisClient: client,
      redis: { keyPrefix: prefix },
      logger: { warn: () => undefined, info: () => undefined }
    }
    const app = { get: (name: string) => settings[name], emit: () => true } as unknown as Application
    try {
      await eventually(() => assert.equal(client.status, 'ready'))
      const cache = new Cache(app, 2)
      for (const id of ['1', '2', '3', '4']) await cache.set(cache.key('session', id), id, 300)
      await cache.set(cache.key('user', '1'), { user_id: '1' }, 300)

      relay.pause()
      await eventually(() => assert.notEqual(client.status, 'ready'))
      await cache.del(cache.key('session', '1'), cache.key('session', '2'), cache.key('session', '3'))
      assert.equal(await cache.get(cache.key('session', '4')), undefined, 'the whole kind is distrusted')

      relay.resume()
      await eventually(async () => {
        assert.deepEqual(await admin.keys(`${prefix}session:*`), [], 'every session: key was deleted')
      }, 10000)
      assert.equal(await admin.exists(`${prefix}user:1`), 1, 'other kinds stay')
      await cache.set(cache.key('session', '4'), '4', 300)
      assert.equal(await cache.get(cache.key('session', '4')), '4', 'the kind is trusted again')
    } finally {
      client.disconnect()
      admin.disconnect()
      await relay.close()
    }
  })
})

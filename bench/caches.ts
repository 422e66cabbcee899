// What the Redis caches change: GET /api/chats (chat_list) and the newest history page (message_queue),
// with JWT authentication on every request (user + session caches), against the same server without Redis.
// Closed loop: CONCURRENCY clients over HTTP keep-alive for SECONDS each. Fresh PostgreSQL database.
//   npx tsx bench/caches.ts
import '../src/env'
import { once } from 'node:events'
import { createApp } from '../src/app'
import { createBenchDatabase, redisUrl } from './lib/environment'

const CONCURRENCY = 16
const SECONDS = 4

const post = async (base: string, path: string, body: unknown, token?: string) => {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body)
  })
  return res.json() as Promise<any>
}

const measure = async (url: string, token: string) => {
  const latencies: number[] = []
  const deadline = performance.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const start = performance.now()
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
        await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
        latencies.push(performance.now() - start)
      }
    })
  )
  latencies.sort((a, b) => a - b)
  return {
    req_s: Math.round(latencies.length / SECONDS),
    p50_ms: +latencies[Math.floor(latencies.length / 2)].toFixed(2),
    p99_ms: +latencies[Math.floor(latencies.length * 0.99)].toFixed(2)
  }
}

const main = async () => {
  const database = await createBenchDatabase('cache')
  const url = new URL(database.url)
  const results: Record<string, unknown> = {}
  try {
    for (const withRedis of [false, true]) {
      const app = createApp({
        settings: {
          serverAddr: '127.0.0.1:0',
          logging: { level: 'warn', format: 'json' },
          database: { url: url.toString(), migrateOnStart: false },
          limits: {
            messagesPerUserPer10s: 1_000_000,
            registerPerIpPerMinute: 1_000_000,
            loginPerIpPerMinute: 1_000_000
          },
          ...(withRedis ? { redis: { url: redisUrl, keyPrefix: `bench:${process.pid}:` } } : {})
        }
      })
      const server = await app.listen(0, '127.0.0.1' as any)
      if (!server.listening) await once(server, 'listening')
      const base = `http://127.0.0.1:${(server.address() as any).port}`
      const tag = withRedis ? 'redis' : 'none'
      const register = async (name: string) => {
        const email = `${name}.${tag}@bench.test`
        await post(base, '/api/auth/register', { name, email, password: 'bench-password' })
        return post(base, '/api/auth/login', { email, password: 'bench-password' })
      }
      const me = await register('me')
      let busiest = ''
      for (let i = 0; i < 50; i++) {
        const other = await register(`other${i}`)
        const chat = await post(base, '/api/chats/private', { user_id: other.user.user_id }, me.access_token)
        const messages = i === 0 ? 200 : 5
        for (let m = 0; m < messages; m++) {
          await post(
            base,
            `/api/chats/${chat.chat_id}/messages`,
            { content: `message ${m} of chat ${i}` },
            other.access_token
          )
        }
        if (i === 0) busiest = chat.chat_id
      }
      results[tag] = {
        chat_list: await measure(`${base}/api/chats`, me.access_token),
        newest_page: await measure(`${base}/api/chats/${busiest}/messages`, me.access_token),
        profile: await measure(`${base}/api/users/profile`, me.access_token)
      }
      await app.teardown()
    }
    console.log(JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, ...results }, null, 2))
  } finally {
    await database.drop()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)

// Send → receive round trip on loopback: one sender and one receiver, each a Feathers client over
// Socket.IO, in a private chat; the sender sends one message at a time and waits for the receiver's
// `created` event. Prints p50/p95/p99 in ms. Uses a fresh PostgreSQL database (BENCH_POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
//   npx tsx bench/roundtrip.ts [messages=1000] [--two-instances]   (two instances: sender on A, receiver on B,
//   events carried by Redis at REDIS_URL, default redis://127.0.0.1:6379)
import '../src/env'
import { once } from 'node:events'
import { io } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createApp } from '../src/app'
import { createClient } from '../src/client'
import { createBenchDatabase, redisUrl } from './lib/environment'
import { percentile } from './lib/results'

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1000)
const twoInstances = process.argv.includes('--two-instances')

const main = async () => {
  const database = await createBenchDatabase('roundtrip')
  const url = new URL(database.url)

  const start = async () => {
    const app = createApp({
      settings: {
        serverAddr: '127.0.0.1:0',
        logging: { level: 'warn', format: 'json' },
        // The benchmark measures delivery, not the abuse limits.
        limits: { messagesPerUserPer10s: 1_000_000, socketEventsPerSecond: 1_000_000 },
        database: { url: url.toString(), migrateOnStart: false },
        ...(twoInstances ? { redis: { url: redisUrl, keyPrefix: `bench:${process.pid}:` } } : {})
      }
    })
    const server = await app.listen(0, '127.0.0.1' as any)
    if (!server.listening) await once(server, 'listening')
    return { app, base: `http://127.0.0.1:${(server.address() as any).port}` }
  }
  const a = await start()
  const b = twoInstances ? await start() : a
  const connect = (base: string) =>
    createClient(socketioClient(io(base, { transports: ['websocket'], forceNew: true })))
  const sender = connect(a.base)
  const receiver = connect(b.base)
  try {
    for (const [client, name] of [
      [sender, 'sender'],
      [receiver, 'receiver']
    ] as const) {
      await client
        .service('api/auth/register')
        .create({ name, email: `${name}@bench.test`, password: 'bench-password' })
      await client.authenticate({
        strategy: 'local',
        email: `${name}@bench.test`,
        password: 'bench-password'
      })
    }
    const receiverId = (await receiver.service('api/users/profile').find()).user_id
    const chat = await sender.service('api/chats/private').create({ user_id: receiverId })
    const route = { chat_id: chat.chat_id }

    const waiting = new Map<string, (t: number) => void>()
    receiver
      .service('api/messages' as any)
      .on('created', (m: any) => waiting.get(m.content)?.(performance.now()))
    const samples: number[] = []
    for (let i = 0; i < count + 50; i++) {
      const content = `message ${i}`
      const received = new Promise<number>((resolve) => waiting.set(content, resolve))
      const start = performance.now()
      await sender
        .service('api/chats/:chat_id/messages')
        .create({ content }, { route })
        .catch((e: any) => {
          console.error('send failed', e.name, e.message)
          throw e
        })
      const end = await received
      waiting.delete(content)
      if (i >= 50) samples.push(end - start) // the first 50 warm up the JIT and the pool
      if (process.env.BENCH_DEBUG) console.error(i)
    }
    samples.sort((a, b) => a - b)
    const fmt = (n: number) => n.toFixed(2)
    console.log(
      JSON.stringify({
        instances: twoInstances ? 2 : 1,
        messages: samples.length,
        p50_ms: fmt(percentile(samples, 50)),
        p95_ms: fmt(percentile(samples, 95)),
        p99_ms: fmt(percentile(samples, 99)),
        max_ms: fmt(samples[samples.length - 1])
      })
    )
  } finally {
    ;(sender.get('connection') as any).io?.disconnect?.()
    ;(receiver.get('connection') as any).io?.disconnect?.()
    await a.app.teardown()
    if (b !== a) await b.app.teardown()
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

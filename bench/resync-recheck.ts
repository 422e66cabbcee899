// How long the re-check after a gap in synced events (src/realtime/resync.ts) takes for many live sockets.
// Standalone: `npx tsx bench/resync-recheck.ts [sockets] [chatsPerUser]` (defaults 2000, 20). One socket per
// user, each user in `chatsPerUser` groups; before the re-check a tenth of the memberships are deleted in SQL
// and a twentieth of the sessions revoked, as if those events had been lost. Needs PostgreSQL (BENCH_POSTGRES_URL
// or the local default); a scratch database is created and dropped. Without Redis: the re-check is asked for
// directly, as sync.ts does after a reconnect.
import { ulid } from 'ulid'
import { io } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createApp } from '../src/app'
import { createClient } from '../src/client'
import { mapLimit, seedUsers } from './lib/chat-setup'
import { createBenchDatabase } from './lib/environment'

const sockets = Number(process.argv[2] ?? 2000)
const chatsPerUser = Number(process.argv[3] ?? 20)

const main = async () => {
  const { db, drop } = await createBenchDatabase('resync')
  const app = createApp({
    db,
    settings: {
      serverAddr: '127.0.0.1:0',
      logging: { level: 'error' },
      limits: { maxSocketsPerUser: 1000, connectionsPerIpPerMinute: 1_000_000 }
    }
  })
  try {
    const users = await seedUsers(db, sockets, 'resync')
    const chatIds = Array.from({ length: Math.max(1, Math.floor(sockets / 10)) }, () => ulid())
    await db.batchInsert(
      'chats',
      chatIds.map((chat_id) => ({ chat_id, type: 'group', name: 'g' })),
      500
    )
    const participants = users.flatMap((u, i) =>
      Array.from({ length: chatsPerUser }, (_, k) => ({
        chat_id: chatIds[(i + k * 7) % chatIds.length],
        user_id: u.user_id
      }))
    )
    for (let i = 0; i < participants.length; i += 5000)
      await db('chat_participants')
        .insert(participants.slice(i, i + 5000))
        .onConflict(['chat_id', 'user_id'])
        .ignore()
    const server = await app.listen(0, '127.0.0.1' as any)
    const port = (server.address() as { port: number }).port
    const auth = app.service('api/authentication')
    const families = await mapLimit(
      users,
      20,
      async (u) => (await app.get('refreshTokens').issue(u.user_id)).familyId
    )
    const clients = await mapLimit(users, 50, async (u, i) => {
      const accessToken = await auth.createAccessToken({ sid: families[i] }, { subject: u.user_id })
      const socket = io(`http://127.0.0.1:${port}`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false
      })
      const client = createClient(socketioClient(socket))
      await client.authenticate({ strategy: 'jwt', accessToken })
      return socket
    })
    // Lost events: a tenth of the memberships gone, a twentieth of the sessions ended.
    await db('chat_participants').whereRaw('id % 10 = 0').delete()
    await db('refresh_tokens').whereRaw('id % 20 = 0').update({ revoked_at: db.fn.now() })
    const report = await new Promise<any>((resolve) => {
      app.once('resync', resolve)
      void app.get('resync').request('measurement')
    })
    console.log(JSON.stringify({ sockets, chatsPerUser, memberships: participants.length, ...report }))
    clients.forEach((s) => s.close())
  } finally {
    await app.teardown().catch(() => undefined)
    await drop()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)

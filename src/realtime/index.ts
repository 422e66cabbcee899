// The real-time layer's own bookkeeping, wired once (after the services: it listens to their events): which connection belongs to whom (ConnectionBook),
// presence across instances, the per-user socket cap, and their start and stop with the app. Who hears
// which event is decided in channels.ts alone; this module only tracks connections as they come and go.
import type { Application, HookContext, NextFunction } from '../declarations'
import { Presence } from './presence'
import { ConnectionBook, userChannel, type ChatConnection } from './connections'
import { SocketCap } from './socket-cap'

export const realtime = (app: Application) => {
  const presence = new Presence(app)
  const socketCap = new SocketCap(app)
  app.set('presenceTracker', presence)
  app.set('connectionBook', new ConnectionBook(app))
  app.set('socketCap', socketCap)
  app.hooks({
    setup: [
      async (_context: HookContext, next: NextFunction) => {
        await next()
        presence.start()
        socketCap.start()
      }
    ],
    teardown: [
      async (_context: HookContext, next: NextFunction) => {
        await presence.stop()
        socketCap.stop()
        // Socket.IO is not closed by Feathers: without this, open sockets keep the HTTP server from closing.
        // Only this instance's sockets (`local`): without it the Redis adapter closes every instance's.
        ;(app as any).io?.local.disconnectSockets(true)
        await next()
      }
    ]
  })

  // A closed or logged-out connection leaves exactly the channels it joined (and presence hears of it).
  const detach = (connection: ChatConnection) => app.get('connectionBook').detach(connection)
  app.on('disconnect', detach)
  app.on('logout', (_authResult: any, { connection }: { connection?: ChatConnection }) => {
    if (connection) detach(connection)
  })
  followAccounts(app)
}

/** Ended sessions and banned users lose their connections, on every instance (the events are synced). */
const followAccounts = (app: Application) => {
  const book = app.get('connectionBook')
  // A session ended (logout, replay, ban): every connection of that session stops hearing events.
  app.service('api/auth/logout').on('ended', ({ session_id }: { session_id: string }) => {
    for (const connection of book.connectionsOfSession(session_id)) book.detach(connection)
  })
  // A banned user's sockets are disconnected (the event is synced); the `banned` event reaches them first.
  app.service('api/users').on('banned', ({ user_id }: { user_id: string }) => {
    book.touch(user_id)
    const connections = [...(app.channel(userChannel(user_id)).connections as ChatConnection[])]
    setImmediate(() => connections.forEach((c) => c.disconnect?.()))
  })
}

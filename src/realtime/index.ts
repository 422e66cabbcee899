// The real-time layer's own bookkeeping, wired once: which connection belongs to whom (ConnectionBook),
// presence across instances, the per-user socket cap, and their start and stop with the app. Who hears
// which event is decided in channels.ts alone; this module only tracks connections as they come and go.
import type { Application, HookContext, NextFunction } from '../declarations'
import { Presence } from './presence'
import { ConnectionBook, type ChatConnection } from './connections'
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
}

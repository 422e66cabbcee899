// Service events of a process that works on a running server's shared PGlite (the admin CLI, pglite-share.ts)
// without Redis: realtime/sync.ts has no channel to publish them on, so they go to that server over its events
// socket, one JSON message per line (the same message sync.ts sends over Redis), and the server emits them to
// its listeners and channels: a ban's `banned` and `ended` events drop the user's sockets, a deleted message
// reaches the chat's members. With Redis configured sync.ts carries them and this stays off. Should the
// socket fail, the server still re-checks its connections once the admin session that wrote has ended.
import net from 'node:net'
import type { Application, HookContext, NextFunction } from '../declarations'
import { redisConfigured } from '../redis'
import { isSyncedEvent, syncMessage } from './sync'

export const relayAdminEvents = (app: Application) => {
  const share = app.get('sharedPglite')
  if (!share || redisConfigured(app.get('redis'))) return
  const logger = () => app.get('logger')
  let socket: net.Socket | undefined

  app.mixins.push((service: any, path: string) => {
    if (typeof service.emit !== 'function') return
    const emit = service.emit.bind(service)
    service.emit = function (event: string, data: any, context?: any) {
      const emitted = emit(event, data, context)
      if (socket && !socket.destroyed && isSyncedEvent(service, path, event)) {
        socket.write(`${JSON.stringify(syncMessage(path, event, data, context))}\n`)
      }
      return emitted
    }
  })

  app.hooks({
    setup: [
      async (_context: HookContext, next: NextFunction) => {
        await new Promise<void>((resolve) => {
          const connecting = net.connect(share.events)
          connecting.once('connect', () => {
            socket = connecting
            resolve()
          })
          connecting.on('error', (error) => {
            logger().warn(
              { err: error },
              'admin events not relayed to the server (it re-checks after the session)'
            )
            connecting.destroy()
            socket = undefined
            resolve()
          })
        })
        await next()
      }
    ],
    teardown: [
      async (_context: HookContext, next: NextFunction) => {
        await next()
        // Every event written before the end is delivered: end() flushes, then the server sees the close.
        const open = socket
        socket = undefined
        if (open && !open.destroyed) {
          await new Promise<void>((resolve) => {
            open.once('close', () => resolve())
            open.end()
            setTimeout(() => {
              open.destroy()
              resolve()
            }, 2000).unref()
          })
        }
      }
    ]
  })
}

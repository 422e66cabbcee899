// What every Socket.IO connection gets before Feathers sees it: the per-IP connection limit, the client
// address, the two capabilities channels.ts needs (close a connection, mirror chat channels as rooms), the
// per-socket event rate limit, and the Redis adapter that carries rooms across instances.
import type { Server } from 'socket.io'
import type { Application } from '../declarations'
import { attachRedisAdapter } from '../redis'
import { socketClientIp } from '../middleware/client-ip'
import { limitSocketEvents } from '../middleware/socket-rate-limit'
import { limitConnectionsPerIp } from '../middleware/socket-connection-limit'
import { allowedOrigin } from '../middleware/cors-origin'

/** The Socket.IO server options the configuration asks for. */
export const socketServerOptions = (app: Application) => ({
  // The same allow-list answer as REST (a plain array here would not understand `*`).
  cors: {
    origin: (origin: string | undefined, callback: (error: Error | null, allow?: string | boolean) => void) =>
      callback(null, allowedOrigin(app.get('origins'), origin) || false),
    credentials: true
  },
  maxHttpBufferSize: Math.max(app.get('websocket').readBufferSize, 65536)
})

/** The callback `@feathersjs/socketio` hands the Socket.IO server to. */
export const setUpSockets = (app: Application) => (io: Server) => {
  io.use(limitConnectionsPerIp(app))
  io.use((socket, next) => {
    const connection = (socket as any).feathers
    connection.ip = socketClientIp(socket, app.get('trustProxy'))
    // Lets channels.ts close a connection (ban); not enumerable, so params never carry the socket.
    Object.defineProperty(connection, 'disconnect', { value: () => socket.disconnect(true) })
    // Lets channels.ts mirror chat channels as Socket.IO rooms (one encode per event, see channels.ts).
    Object.defineProperty(connection, 'room', {
      value: { join: (name: string) => socket.join(name), leave: (name: string) => socket.leave(name) }
    })
    socket.use(limitSocketEvents(app, socket))
    next()
  })
  attachRedisAdapter(app, io)
}

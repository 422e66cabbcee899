// Starts the server: `npm start` (and `npm run cli -- serve`). On SIGTERM/SIGINT it stops accepting
// connections, disconnects its own sockets (clients reconnect, through the load balancer, to another
// instance), lets in-flight HTTP requests finish, then closes Redis and the database.
import { once } from 'node:events'
import { createApp, type CreateAppOptions } from './app'
import { shareEmbeddedDatabase } from './pglite-share'

/** Creates the app, listens on SERVER_ADDR and installs the graceful shutdown on SIGTERM/SIGINT. */
export const start = async (options: CreateAppOptions = {}) => {
  const app = createApp(options)
  const logger = app.get('logger')
  // A reconnect storm (an instance restarts, its clients all come back at once) is held by the kernel's accept
  // queue while the event loop authenticates the first ones. Node's default of 511 overflowed at 10,000 sockets:
  // the dropped handshakes were retried by the clients' TCP only after 1 + 2 + 4 + 8 + 16 s.
  const server = await app.listen(app.get('port'), app.get('host') as any, app.get('listenBacklog'))
  if (!server.listening) await once(server, 'listening') // setup can finish before the socket is bound
  await shareEmbeddedDatabase(app) // the admin CLI reaches an embedded database through this server
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : app.get('port')
  logger.info(
    { host: app.get('host'), port, database: app.get('databaseKind'), env: app.get('env') },
    `Chat backend listening on http://${app.get('host')}:${port}`
  )

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000).unref()
    const drained = new Promise<void>((resolve) => server.close(() => resolve())) // stop accepting
    // `local`: through the Redis adapter a plain disconnectSockets() closes every instance's sockets, and a
    // rolling deploy would drop the whole cluster.
    ;(app as any).io?.local.disconnectSockets(true)
    server.closeIdleConnections()
    await drained // in-flight requests have been answered
    await app.teardown().catch(() => undefined) // the HTTP server is already closed
    clearTimeout(force)
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  return { app, server, port }
}

if (require.main === module) {
  process.on('unhandledRejection', (reason) => console.error('Unhandled rejection', reason))

  start().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}

import net from 'node:net'

/** A TCP relay standing in for a load balancer: `target` decides where each new connection goes. */
export const startRelay = async (target: () => number) => {
  const sockets = new Set<net.Socket>()
  let down = false
  const server = net.createServer((client) => {
    if (down) return client.destroy()
    const upstream = net.connect(target(), '127.0.0.1')
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    /** Cuts every open connection (as when the backend dies or the network drops). */
    cut: () => sockets.forEach((s) => s.destroy()),
    /** Cuts every connection and refuses new ones until `resume()`: the backend is down. */
    pause: () => {
      down = true
      sockets.forEach((s) => s.destroy())
    },
    resume: () => {
      down = false
    },
    /** Keeps open connections but refuses new ones until `resume()` (a client that drops cannot come back). */
    refuseNew: () => {
      down = true
    },
    /** Keeps every connection open but forwards nothing until `unstall()`: the backend hangs. */
    stall: () => sockets.forEach((s) => s.pause()),
    unstall: () => sockets.forEach((s) => s.resume()),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy())
        server.close(() => resolve())
      })
  }
}

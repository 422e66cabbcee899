// Several events for one socket leave in one write. ws writes each WebSocket frame with its own system call,
// and on loopback that call, not our code, was the largest cost per delivery in the fan-out profile. Two
// patches, both on engine.io (the layer under Socket.IO that owns each connection's write buffer):
//  - a WebSocket transport's send() corks the TCP socket while it writes the packets it was handed, so they
//    leave in a single writev;
//  - a connection's flush() waits until the running code and its promise continuations are done
//    (process.nextTick), so every event emitted for a committed batch of messages is in that one send()
//    instead of the first going out alone.
// Frames, their order and the completion callbacks engine.io waits for are unchanged; polling transports are
// left alone.
import { createRequire } from 'node:module'

// Patch the engine.io that Feathers' Socket.IO actually loads, even if another copy is installed elsewhere.
const requireFrom = (modulePath: string) => createRequire(modulePath)
const socketIoPath = requireFrom(require.resolve('@feathersjs/socketio')).resolve('socket.io')
const engine: typeof import('engine.io') = requireFrom(socketIoPath)('engine.io')
const { Socket: EngineSocket, transports } = engine

type Corkable = { cork(): void; uncork(): void }

let installed = false

export const batchSocketWrites = () => {
  if (installed) return
  installed = true
  const prototype = transports.websocket.prototype as unknown as {
    send(packets: unknown[]): void
    socket?: { _socket?: Corkable }
  }
  const send = prototype.send
  prototype.send = function (this: typeof prototype, packets: unknown[]) {
    const tcp = this.socket?._socket
    if (packets.length < 2 || typeof tcp?.cork !== 'function') return send.call(this, packets)
    tcp.cork()
    try {
      send.call(this, packets)
    } finally {
      tcp.uncork()
    }
  }

  const engineSocket = EngineSocket.prototype as unknown as {
    flush(): void
    transport?: { name?: string }
    flushScheduled?: boolean
  }
  const flush = engineSocket.flush
  engineSocket.flush = function (this: typeof engineSocket) {
    if (this.transport?.name !== 'websocket') return flush.call(this)
    if (this.flushScheduled) return
    this.flushScheduled = true
    process.nextTick(() => {
      this.flushScheduled = false
      flush.call(this)
    })
  }
}

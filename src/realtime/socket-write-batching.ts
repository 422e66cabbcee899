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

type WebSocketTransport = { send(packets: unknown[]): void; socket?: { _socket?: Corkable } }
type EngineConnection = { flush(): void; transport?: { name?: string }; flushScheduled?: boolean }

const websocketTransport = () => transports?.websocket?.prototype as unknown as WebSocketTransport | undefined
const engineConnection = () => EngineSocket?.prototype as unknown as EngineConnection | undefined

const patched = new WeakSet<(...args: any[]) => void>()

/** Multi-frame sends that were corked, and those that found no TCP socket to cork (ws internals changed). */
export const corkedSends = { corked: 0, uncorkable: 0 }

/** True when both patches are in place on the engine.io that Socket.IO loads. */
export const socketWritesBatched = () =>
  patched.has(websocketTransport()?.send as any) && patched.has(engineConnection()?.flush as any)

/**
 * Installs both patches (once per process) and checks that they took effect: if engine.io no longer has
 * the methods they wrap, this throws at boot rather than leaving every delivery a frame per system call.
 */
export const batchSocketWrites = () => {
  if (!socketWritesBatched()) install()
  if (!socketWritesBatched()) throw new Error('Socket write batching did not take effect: engine.io changed')
}

const install = () => {
  const prototype = websocketTransport()
  const engineSocket = engineConnection()
  if (typeof prototype?.send !== 'function' || typeof engineSocket?.flush !== 'function')
    throw new Error('Socket write batching: engine.io has no WebSocket send() or Socket flush() to wrap')
  if (!patched.has(prototype.send)) corkSends(prototype)
  if (!patched.has(engineSocket.flush)) flushAfterTick(engineSocket)
}

const corkSends = (prototype: WebSocketTransport) => {
  const send = prototype.send
  prototype.send = function (this: WebSocketTransport, packets: unknown[]) {
    if (packets.length < 2) return send.call(this, packets)
    const tcp = this.socket?._socket
    if (typeof tcp?.cork !== 'function') {
      corkedSends.uncorkable++
      return send.call(this, packets)
    }
    corkedSends.corked++
    tcp.cork()
    try {
      send.call(this, packets)
    } finally {
      tcp.uncork()
    }
  }
  patched.add(prototype.send)
}

const flushAfterTick = (engineSocket: EngineConnection) => {
  const flush = engineSocket.flush
  engineSocket.flush = function (this: EngineConnection) {
    if (this.transport?.name !== 'websocket') return flush.call(this)
    if (this.flushScheduled) return
    this.flushScheduled = true
    process.nextTick(() => {
      this.flushScheduled = false
      flush.call(this)
    })
  }
  patched.add(engineSocket.flush)
}

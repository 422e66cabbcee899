// Several events queued for one socket leave in one write. engine.io hands a WebSocket transport every packet
// that piled up while its previous write was in flight (a committed batch of messages gives each member
// several at once), and ws writes each frame with its own system call: on loopback that call, not our code,
// was the largest cost per delivery in the fan-out profile. Corking the TCP socket for the duration of one
// send() turns those frames into a single writev. Frames, their order and the completion callbacks engine.io
// waits for are unchanged; only the number of system calls drops.
import { transports } from 'engine.io'

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
}

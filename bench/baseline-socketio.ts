// Baseline B0 for the fan-out benchmark: a bare Socket.IO server that speaks just enough of the Feathers socket
// protocol for @feathersjs/socketio-client. No persistence, no hooks, no real authentication.
//  - `create` on `api/authentication` answers `{accessToken, authentication, user}`; the token is
//    `baseline:<user_id>:<chat_id>,<chat_id>…[:<name>]` and the socket joins the room `chats/<chat_id>` of each
//    listed chat (the analogue of our server joining a connection's chat channels when it authenticates). The
//    name, if given, is the `sender_name` of the user's messages (else the user id).
//  - `create` on `api/chats/<chat_id>/messages` acknowledges `(null, message)` and broadcasts the message with
//    one room emit, `io.to('chats/<chat_id>').emit('api/messages created', message)` (one packet encode per
//    event). With BASELINE_DISPATCH=per-socket (B1) it emits to each socket of the room in turn instead, the
//    shape of Feathers' per-connection dispatcher.
// Writes are coalesced like our server's (src/realtime/socket-write-batching.ts, the same module): frames queued
// for a socket in one tick leave in one write, so the ceiling gets the optimisation the server relies on.
// BASELINE_WRITES=plain keeps engine.io's stock write per frame, for reference.
// The Feathers client emits `(method, path, ...args, callback)` and expects `callback(error, data)`
// (@feathersjs/transport-commons lib/client.js `send`).
//   PORT=8090 npx tsx bench/baseline-socketio.ts
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { Server } from 'socket.io'
import { messageColumns } from '../src/services/messages/messages.schema'
import { batchSocketWrites, socketWritesBatched } from '../src/realtime/socket-write-batching'
import { listenBacklog } from './lib/listen-backlog'

const port = Number(process.env.PORT ?? 8090)
const perSocket = process.env.BASELINE_DISPATCH === 'per-socket'
const coalesced = process.env.BASELINE_WRITES !== 'plain'
if (coalesced) batchSocketWrites()
// The patch must be on the engine.io this Socket.IO loads, or the "coalesced" ceiling would not be one.
const feathersSocketIo = createRequire(require.resolve('@feathersjs/socketio')).resolve('socket.io')
if (coalesced !== socketWritesBatched() || require.resolve('socket.io') !== feathersSocketIo)
  throw new Error('baseline: socket write batching is not in place on the Socket.IO this server runs')
const messagePath = /^api\/chats\/([^/]+)\/messages$/

const httpServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('{"status":"ok"}')
})
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false })

let counter = 0
const seqs = new Map<string, number>()
// The message has our message's shape (every field of `messageColumns`, ULID-length ids, ISO timestamps, nulls
// and empty arrays where a plain text message has them), so B0 encodes and the clients parse the same bytes.
const ulidLength = (n: number) => `b${String(n).padStart(25, '0')}`
const messageLike = (chatId: string, userId: string, userName: string, content: string, seq: number) => {
  const at = new Date().toISOString()
  const known: Record<string, unknown> = {
    message_id: ulidLength(++counter),
    chat_id: chatId,
    sender_id: userId,
    sender_name: userName,
    content,
    type: 'text',
    status: 'sent',
    seq,
    created_at: at,
    updated_at: at,
    mentions: [],
    reactions: []
  }
  return Object.fromEntries(messageColumns.map((column) => [column, known[column] ?? null]))
}
const notFound = (path: string) => ({ name: 'NotFound', message: `Page not found: ${path}`, code: 404 })

io.on('connection', (socket) => {
  let userId = ''
  let userName = ''
  socket.on('create', (path: string, data: any, ...rest: unknown[]) => {
    const ack = rest[rest.length - 1]
    if (typeof ack !== 'function') return
    if (path === 'api/authentication') {
      const [, user = '', chats = '', ...name] = String(data?.accessToken ?? '').split(':')
      userId = user
      userName = name.join(':') || user
      for (const chatId of chats.split(',').filter(Boolean)) socket.join(`chats/${chatId}`)
      return ack(null, {
        accessToken: data?.accessToken,
        authentication: { strategy: 'jwt', accessToken: data?.accessToken },
        user: { user_id: userId }
      })
    }
    const match = messagePath.exec(path)
    if (!match) return ack(notFound(path))
    const chatId = match[1]
    const seq = (seqs.get(chatId) ?? 0) + 1
    seqs.set(chatId, seq)
    const message = messageLike(chatId, userId, userName, String(data?.content ?? ''), seq)
    ack(null, message)
    const room = `chats/${chatId}`
    if (!perSocket) return void io.to(room).emit('api/messages created', message)
    for (const id of io.sockets.adapter.rooms.get(room) ?? []) {
      io.sockets.sockets.get(id)?.emit('api/messages created', message)
    }
  })
  for (const method of ['find', 'get', 'update', 'patch', 'remove']) {
    socket.on(method, (path: string, ...rest: unknown[]) => {
      const ack = rest[rest.length - 1]
      if (typeof ack === 'function') ack(notFound(path))
    })
  }
})

// The same accept queue as our server (bench/lib/listen-backlog.ts): a connection storm waits there, not in SYN retries.
httpServer.listen(port, '127.0.0.1', listenBacklog())
const stop = () => io.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

// Plain baseline for the idle-connections scenario (bench/idle.ts, BENCH_IDLE_BASELINE=plain; the default is
// bench/baseline-socketio.ts, which also joins rooms): a bare Socket.IO server with the options the chat server
// gives Socket.IO (CORS, maxHttpBufferSize), no Feathers, no database, no rooms. It answers the one call the idle
// clients make (`create`, the Feathers authentication call) with an acknowledgement carrying an accessToken, so
// the same client code drives both servers; it keeps nothing per socket beyond what Socket.IO keeps.
//   PORT=3030 npx tsx bench/baseline-idle.ts
import http from 'node:http'
import { Server } from 'socket.io'
import { listenBacklog } from './lib/listen-backlog'

const port = Number(process.env.PORT ?? 3030)
const server = http.createServer((_req, res) => {
  res.writeHead(404)
  res.end()
})
const io = new Server(server, {
  cors: { origin: ['http://localhost:3000', 'http://localhost:3001'], credentials: true },
  maxHttpBufferSize: 1048576
})
io.on('connection', (socket) => {
  socket.on('create', (...args: unknown[]) => {
    const ack = args[args.length - 1]
    if (typeof ack === 'function') ack(null, { accessToken: 'bare' })
  })
})
// The same accept queue as our server (bench/lib/listen-backlog.ts).
server.listen(port, '127.0.0.1', listenBacklog())

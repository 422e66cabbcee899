// Client process of the storm scenarios (bench/storms.ts): forked with tsx, driven over IPC, one reply per
// command ({id, result} or {id, error}). Raw socket.io-client sockets speaking the Feathers socket protocol
// (`emit(method, path, data, query, ack)`, ack `(error, result)`), each its own Manager (forceNew), websocket
// transport, no built-in reconnection (the reconnect logic is below, so it is explicit and counted).
//
//  storm     open one socket per token at `startAt` (all at once) and authenticate each (JWT strategy);
//            answers when every socket is authenticated or has failed
//  hold      connect and authenticate the reconnect-storm clients on `url` (a few at a time, not timed); each
//            client keeps, per chat, the messages it holds by seq. Once `arm`ed, a client that loses its
//            socket connects to `fallbackUrl`, re-authenticates, then (catchUp) pages each of its chats with
//            `find` on `api/chats/:chat_id/messages?after_seq=<highest seq held without a gap>` until
//            `has_more` is false. Live events and pages are merged by seq; a seq already held is a raw
//            duplicate, not applied again.
//  status    progress counters (polled while the storm runs)
//  verify    every acknowledged message of every chat of every client held exactly once, by seq and id
//  senders   connect sender sockets; `send` starts an open loop at `rate` msg/s over their chats;
//            `stopSend` stops it and answers with every acknowledged message (chat, seq, id)
//  close     disconnect everything
import { io, type Socket } from 'socket.io-client'

const now = () => Number(process.hrtime.bigint()) / 1e6
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))
const ACK_MS = 30_000
const CONNECT_MS = 60_000
const PAGE = 100

const localAddress = process.env.STORM_LOCAL_ADDRESS || undefined

const open = (url: string) =>
  io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_MS,
    ...(localAddress ? { localAddress } : {})
  } as any)

class CallError extends Error {
  constructor(
    message: string,
    readonly busy = false,
    readonly retryAfter = 1
  ) {
    super(message)
  }
}

/** The Feathers call `method` on `path` over `socket`; rejects with the server's error. */
const callOnce = (socket: Socket, method: string, path: string, ...args: unknown[]) =>
  new Promise<any>((resolve, reject) => {
    socket.timeout(ACK_MS).emit(method, path, ...args, (timeout: Error | null, error: any, result: any) => {
      const where = `${method} ${path.replace(/[0-9A-Z]{26}/g, ':id')}`
      if (timeout) reject(new CallError(`${where}: no answer in ${ACK_MS / 1000} s`))
      else if (error)
        reject(
          new CallError(
            `${where}: ${error.name}: ${error.message}`,
            error.code === 503,
            Number(error.data?.retryAfter ?? 1)
          )
        )
      else resolve(result)
    })
  })

/**
 * The call, again after the server's `retryAfter` (± 50 %) each time it answers 503 busy (admission control,
 * src/hooks/admission-control.ts), as a well-behaved client does; each refusal is counted.
 */
const callTrying = async (
  attempts: number,
  socket: Socket,
  method: string,
  path: string,
  ...args: unknown[]
) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(socket, method, path, ...args)
    } catch (error) {
      if (!(error instanceof CallError) || !error.busy || attempt >= attempts || !socket.connected)
        throw error
      note(error)
      await sleep(error.retryAfter * 1000 * (0.5 + Math.random()))
    }
  }
}

const call = (socket: Socket, method: string, path: string, ...args: unknown[]) =>
  callTrying(30, socket, method, path, ...args)

const authenticate = async (socket: Socket, accessToken: string) => {
  const result = await call(socket, 'create', 'api/authentication', { strategy: 'jwt', accessToken }, {})
  if (!result?.accessToken) throw new Error('authentication answered without accessToken')
}

/** Resolves once connected; rejects on connect_error or an early disconnect. */
const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    if (socket.connected) return resolve()
    const fail = (why: string) => () => {
      socket.off('connect', ok)
      reject(new Error(why))
    }
    const onError = (error: Error) => {
      // engine.io's TransportError keeps the transport's own error (e.g. ECONNRESET) in `description`.
      const cause = (error as any).description
      const detail = cause?.message ?? cause?.error?.message ?? cause?.code
      fail(`connect_error: ${error.message}${detail ? ` (${detail})` : ''}`)()
    }
    const onDisconnect = (reason: string) => fail(`disconnected before authenticating: ${reason}`)()
    const ok = () => {
      socket.off('connect_error', onError)
      socket.off('disconnect', onDisconnect)
      resolve()
    }
    socket.once('connect', ok)
    socket.once('connect_error', onError)
    socket.once('disconnect', onDisconnect)
  })

/** Every error met, refusals included, by kind (ids masked): the notes of the rows list them. */
let errorKinds: Record<string, number> = {}
const note = (error: unknown) => {
  const kind = String((error as Error)?.message ?? error).replace(/[0-9A-Z]{26}/g, ':id')
  errorKinds[kind] = (errorKinds[kind] ?? 0) + 1
}

// ---------------------------------------------------------------------------------------------------------
// Connection storm

const stormSockets: Socket[] = []

/** Every socket opened at `startAt`; one not authenticated `limitMs` later counts as failed (and is closed). */
const storm = async ({
  url,
  tokens,
  startAt,
  limitMs
}: {
  url: string
  tokens: string[]
  startAt: number
  limitMs: number
}) => {
  await sleep(startAt - now())
  const first = now()
  const deadline = sleep(first + limitMs - now()).then(() => {
    throw new Error(`not authenticated within ${limitMs / 1000} s`)
  })
  deadline.catch(() => undefined)
  const results = await Promise.all(
    tokens.map(async (token) => {
      const socket = open(url)
      stormSockets.push(socket)
      let connectedAt = NaN
      const attempt = (async () => {
        await connected(socket)
        connectedAt = now()
        await authenticate(socket, token)
      })()
      try {
        await Promise.race([attempt, deadline])
        return { ok: true, connectedAt, at: now() }
      } catch (error) {
        attempt.catch(() => undefined)
        note(error)
        socket.disconnect()
        return { ok: false, connectedAt: NaN, at: now() }
      }
    })
  )
  const good = results.filter((r) => r.ok)
  return {
    first,
    ok: good.length,
    failed: results.length - good.length,
    lastAuthenticated: Math.max(...good.map((r) => r.at)),
    lastConnected: Math.max(...good.map((r) => r.connectedAt)),
    authenticatedAt: good.map((r) => r.at - first),
    errors: { ...errorKinds }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reconnect storm: clients

interface ClientSpec {
  token: string
  fallbackToken: string
  chats: string[]
}

class Client {
  socket?: Socket
  /** per chat: seq → message_id, each applied once */
  readonly held = new Map<string, Map<number, string>>()
  /** per chat: the highest seq held with every seq below it held too */
  readonly contiguous = new Map<string, number>()
  lostAt = NaN
  reauthenticatedAt = NaN
  recoveredAt = NaN
  retries = 0
  failed = false
  gapsAtRecovery = 0

  constructor(readonly spec: ClientSpec) {
    for (const chat of spec.chats) {
      this.held.set(chat, new Map())
      this.contiguous.set(chat, 0)
    }
  }

  apply(message: { chat_id?: string; seq?: number; message_id?: string }, source: 'live' | 'page') {
    const chat = this.held.get(message.chat_id ?? '')
    if (!chat || typeof message.seq !== 'number') return
    counters[source === 'live' ? 'liveEvents' : 'pageMessages']++
    const known = chat.get(message.seq)
    if (known !== undefined) {
      counters[source === 'live' ? 'liveDuplicates' : 'pageDuplicates']++
      if (known !== message.message_id) counters.seqConflicts++
      return
    }
    chat.set(message.seq, message.message_id ?? '')
    counters.applied++
    let c = this.contiguous.get(message.chat_id!)!
    while (chat.has(c + 1)) c++
    this.contiguous.set(message.chat_id!, c)
  }

  attach(socket: Socket) {
    this.socket = socket
    socket.on('api/messages created', (message: any) => this.apply(message, 'live'))
  }
}

const clients: Client[] = []
const counters = {
  liveEvents: 0,
  liveDuplicates: 0,
  pageMessages: 0,
  pageDuplicates: 0,
  seqConflicts: 0,
  applied: 0,
  pages: 0,
  pageErrors: 0,
  droppedBeforeArm: 0
}
let fallbackUrl = ''
let reconnectDelayMs = 0
let catchUp = false
let armed = false

const hold = async ({
  url,
  specs,
  concurrency
}: {
  url: string
  specs: ClientSpec[]
  concurrency: number
}) => {
  let next = 0
  let failed = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < specs.length) {
        const client = new Client(specs[next++])
        const socket = open(url)
        client.attach(socket)
        try {
          await connected(socket)
          await authenticate(socket, client.spec.token)
          socket.once('disconnect', () => lost(client))
          clients.push(client)
        } catch (error) {
          note(error)
          failed++
          socket.disconnect()
        }
      }
    })
  )
  return { held: clients.length, failed, errors: { ...errorKinds } }
}

const lost = (client: Client) => {
  if (!armed) return void counters.droppedBeforeArm++
  client.lostAt = now()
  void reconnect(client)
}

const reconnect = async (client: Client) => {
  // The highest seq held without a gap, per chat, as it was when the connection was lost.
  const from = new Map(client.contiguous)
  // socket.io-client's default first reconnection delay: reconnectionDelay × (1 ± randomizationFactor 0.5).
  await sleep(reconnectDelayMs * (0.5 + Math.random()))
  for (let attempt = 0; ; attempt++) {
    const socket = open(fallbackUrl)
    client.attach(socket)
    try {
      await connected(socket)
      await authenticate(socket, client.spec.fallbackToken)
      client.reauthenticatedAt = now()
      break
    } catch (error) {
      note(error)
      socket.removeAllListeners()
      socket.disconnect()
      client.retries++
      if (attempt >= 20) return void (client.failed = true)
      await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random()))
    }
  }
  if (catchUp) {
    // One chat after the other, one call in flight per client.
    for (const chat of client.spec.chats) await pageUp(client, chat, from.get(chat) ?? 0)
    for (const chat of client.spec.chats) {
      const held = client.held.get(chat)!
      if (held.size !== client.contiguous.get(chat)) client.gapsAtRecovery++
    }
  }
  client.recoveredAt = now()
}

const pageUp = async (client: Client, chat: string, after: number) => {
  for (let errors = 0; ;) {
    try {
      counters.pages++
      const page = await call(client.socket!, 'find', `api/chats/${chat}/messages`, {
        after_seq: after,
        limit: PAGE
      })
      for (const message of page.data) client.apply(message, 'page')
      if (!page.has_more || page.data.length === 0) return
      after = page.data[page.data.length - 1].seq
    } catch (error) {
      note(error)
      counters.pageErrors++
      if (++errors > 10) return
      await sleep(200 * errors)
    }
  }
}

const status = ({ full }: { full?: boolean }) => {
  const done = (key: 'reauthenticatedAt' | 'recoveredAt') => clients.filter((c) => !Number.isNaN(c[key]))
  const reauthenticated = done('reauthenticatedAt')
  const recovered = done('recoveredAt')
  return {
    clients: clients.length,
    lost: clients.filter((c) => !Number.isNaN(c.lostAt)).length,
    reauthenticated: reauthenticated.length,
    recovered: recovered.length,
    failed: clients.filter((c) => c.failed).length,
    retries: clients.reduce((n, c) => n + c.retries, 0),
    firstLost: Math.min(...clients.map((c) => c.lostAt).filter((t) => !Number.isNaN(t))),
    lastReauthenticated: Math.max(...reauthenticated.map((c) => c.reauthenticatedAt)),
    lastRecovered: Math.max(...recovered.map((c) => c.recoveredAt)),
    reauthenticatedAt: full ? reauthenticated.map((c) => c.reauthenticatedAt) : [],
    recoveredAt: full ? recovered.map((c) => c.recoveredAt) : [],
    gapsAtRecovery: clients.reduce((n, c) => n + c.gapsAtRecovery, 0),
    ...counters,
    errors: { ...errorKinds }
  }
}

/** truth: chat → [seq, message_id] of every acknowledged message. */
const verify = ({ truth }: { truth: Record<string, Array<[number, string]>> }) => {
  let expected = 0
  let missing = 0
  let wrong = 0
  let unacknowledged = 0
  let appDuplicates = 0
  let unverified = 0
  for (const client of clients) {
    // A client that never caught up is reported as not recovered, not checked here.
    if (Number.isNaN(client.recoveredAt)) {
      unverified++
      continue
    }
    const ids = new Set<string>()
    for (const chat of client.spec.chats) {
      const held = client.held.get(chat)!
      const acked = truth[chat] ?? []
      const ackedSeqs = new Set<number>()
      for (const [seq, id] of acked) {
        expected++
        ackedSeqs.add(seq)
        const got = held.get(seq)
        if (got === undefined) missing++
        else if (got !== id) wrong++
      }
      for (const [seq, id] of held) {
        if (!ackedSeqs.has(seq)) unacknowledged++
        if (ids.has(id)) appDuplicates++
        ids.add(id)
      }
    }
  }
  return { expected, missing, wrong, unacknowledged, appDuplicates, unverified }
}

// ---------------------------------------------------------------------------------------------------------
// Senders

interface SenderSpec {
  token: string
  chats: string[]
}

const senderSockets: Array<{ socket: Socket; chats: string[] }> = []
let sending = false
let sendLoop: Promise<void> | undefined
const acked: Array<[string, number, string]> = []
let sendErrors = 0

const senders = async ({ url, specs }: { url: string; specs: SenderSpec[] }) => {
  for (const spec of specs) {
    const socket = open(url)
    await connected(socket)
    await authenticate(socket, spec.token)
    senderSockets.push({ socket, chats: spec.chats })
  }
  return { senders: senderSockets.length }
}

const send = ({ rate }: { rate: number }) => {
  sending = true
  acked.length = 0
  sendErrors = 0
  const pending = new Set<Promise<void>>()
  const start = now()
  sendLoop = (async () => {
    for (let n = 0; sending;) {
      while (sending && start + (n * 1000) / rate <= now()) {
        const sender = senderSockets[n % senderSockets.length]
        const chat = sender.chats[Math.floor(n / senderSockets.length) % sender.chats.length]
        const p = callTrying(
          3,
          sender.socket,
          'create',
          `api/chats/${chat}/messages`,
          { content: `storm ${n}` },
          {}
        ).then(
          (m) => void acked.push([m.chat_id, m.seq, m.message_id]),
          (error) => {
            sendErrors++
            note(error)
          }
        )
        pending.add(p)
        void p.then(() => pending.delete(p))
        n++
      }
      await sleep(2)
    }
    await Promise.all(pending)
  })()
  return {}
}

const stopSend = async () => {
  sending = false
  await sendLoop
  return { acked, errors: sendErrors, samples: { ...errorKinds } }
}

// ---------------------------------------------------------------------------------------------------------

const handlers: Record<string, (message: any) => unknown> = {
  storm,
  hold,
  arm: (m: { fallbackUrl: string; catchUp: boolean; delayMs: number }) => {
    fallbackUrl = m.fallbackUrl
    reconnectDelayMs = m.delayMs
    catchUp = m.catchUp
    armed = true
    return {}
  },
  status,
  verify,
  senders,
  send,
  stopSend,
  close: () => {
    armed = false
    for (const socket of stormSockets.splice(0)) socket.disconnect()
    for (const client of clients.splice(0)) {
      client.socket?.removeAllListeners()
      client.socket?.disconnect()
    }
    for (const { socket } of senderSockets.splice(0)) socket.disconnect()
    for (const key of Object.keys(counters)) counters[key as keyof typeof counters] = 0
    errorKinds = {}
    return {}
  },
  exit: () => process.exit(0)
}

process.on('message', async ({ id, cmd, ...args }: any) => {
  try {
    process.send!({ id, result: await handlers[cmd](args) })
  } catch (error: any) {
    process.send!({ id, error: String(error?.stack ?? error) })
  }
})
process.send!({ ready: true })

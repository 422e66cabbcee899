// The load generator's client side, run inside the worker processes (bench/lib/fanout-worker.ts): Feathers
// clients over WebSocket that authenticate with a JWT, listen to `api/messages created`, and send with
// `api/chats/:chat_id/messages` create, closed loop (N creates outstanding per sender) or open loop (sends
// scheduled at a fixed rate). Every message's content carries its send time; the receive time minus that is the
// latency. Times come from process.hrtime (CLOCK_MONOTONIC, one clock for every process on the machine), so
// stamps from a sender in one worker compare with receive times in another.
import { io, type Socket } from 'socket.io-client'
import { feathers } from '@feathersjs/feathers'
import socketioClient from '@feathersjs/socketio-client'
import authenticationClient from '@feathersjs/authentication-client'
import type { ClientApplication } from '../../src/client'
import { messageClient } from '../../src/services/messages/messages.shared'
import { chatMessageClient } from '../../src/services/chats/messages/messages.shared'

/** Milliseconds on the machine-wide monotonic clock. */
export const now = () => Number(process.hrtime.bigint()) / 1e6

export interface ClientSpec {
  url: string
  /** A JWT for our server; `baseline:<user_id>:<chat_id>,…` for the bare Socket.IO baseline. */
  token: string
  userId: string
}

export interface SenderSpec {
  /** index into this worker's clients */
  client: number
  chatId: string
}

export type SendMode = { kind: 'closed'; inFlight: number } | { kind: 'open'; rate: number }

/** What a run sends: `contentBytes` pads each message's content to that many characters (default: no padding). */
export interface SendShape {
  contentBytes?: number
}

/** Absolute times on `now()`'s clock: sending starts at `start`; messages sent in [measureFrom, measureTo) count. */
export interface Timeline {
  start: number
  measureFrom: number
  measureTo: number
}

export interface WorkerStatus {
  createdTotal: number
  deliveriesTotal: number
  errors: number
}

/** Order of delivery per receiver and chat, checked on every event by its `seq`. */
export interface OrderCheck {
  /** events whose seq was not above the last one this receiver saw in that chat (a duplicate or reordering) */
  outOfOrder: number
  /** events whose seq skipped past the next one expected (a message missing in between) */
  gaps: number
}

export interface WorkerReport extends WorkerStatus, OrderCheck {
  /** acknowledged creates sent inside the window */
  created: number
  /** deliveries of messages sent inside the window */
  deliveries: number
  ackLatencies: Float64Array
  deliveryLatencies: Float64Array
  ackedIds: string[]
  errorSamples: string[]
  /** per message sent inside the window (by its content label): its stamp, the latest receive time and receivers */
  lastReceived: Map<string, { stamp: number; at: number; receivers: number }>
}

/** A growable Float64Array (a delivery run can hold millions of samples). */
export class Samples {
  private data = new Float64Array(1 << 16)
  length = 0
  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = value
  }
  toArray() {
    return this.data.slice(0, this.length)
  }
}

/**
 * The typed client (src/client.ts) with only the services a load client uses: authentication, sending, and the
 * message events. The full client registers all 37 services and cost ~13 ms of generator CPU per socket, the
 * larger part of connecting one; both B0 and our server are driven through this one.
 */
const loadClient = (socket: Socket): ClientApplication => {
  const client = feathers() as ClientApplication
  const connection = socketioClient(socket) as any
  client.configure(connection)
  client.configure(authenticationClient({ path: 'api/authentication' }))
  client.set('connection', connection)
  client.configure(messageClient)
  client.configure(chatMessageClient)
  return client
}

/** `onCreated` listens before the authentication is sent, so an event right behind its answer is not missed. */
export const connectClient = async (spec: ClientSpec, onCreated?: (message: any) => void) => {
  const socket = io(spec.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const client = loadClient(socket)
  if (onCreated) client.service('api/messages' as any).on('created', onCreated)
  await client.authenticate({ strategy: 'jwt', accessToken: spec.token })
  return { client, socket }
}

export class LoadClients {
  clients: ClientApplication[] = []
  private sockets: Socket[] = []
  private timeline: Timeline = { start: Infinity, measureFrom: Infinity, measureTo: -Infinity }
  private ackLatencies = new Samples()
  private deliveryLatencies = new Samples()
  private ackedIds: string[] = []
  private errorSamples: string[] = []
  private created = 0
  private deliveries = 0
  private status: WorkerStatus = { createdTotal: 0, deliveriesTotal: 0, errors: 0 }
  private order: OrderCheck = { outOfOrder: 0, gaps: 0 }
  /** last seq seen per receiver (client index) and chat; kept across runs, as the chat's seqs are */
  private lastSeq: Map<string, number>[] = []
  private lastReceived = new Map<string, { stamp: number; at: number; receivers: number }>()
  private shape: SendShape = {}

  constructor(private readonly tag: string) {}

  async connect(specs: ClientSpec[], concurrency = 10) {
    this.clients = new Array(specs.length)
    let next = 0
    await Promise.all(
      Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
        while (next < specs.length) {
          const i = next++
          this.lastSeq[i] = new Map()
          const { client, socket } = await connectClient(specs[i], (message: any) =>
            this.received(message, this.lastSeq[i])
          )
          this.sockets.push(socket)
          this.clients[i] = client
        }
      })
    )
  }

  private received(
    message: { content?: string; seq?: number; chat_id?: string },
    lastSeq: Map<string, number>
  ) {
    const at = now()
    const content = message.content ?? ''
    const bar = content.lastIndexOf('|')
    const stamp = Number(content.slice(bar + 1))
    this.status.deliveriesTotal++
    const chat = String(message.chat_id)
    const seq = Number(message.seq)
    const last = lastSeq.get(chat)
    if (last !== undefined && !(seq > last)) this.order.outOfOrder++
    else {
      if (last !== undefined && seq > last + 1) this.order.gaps++
      lastSeq.set(chat, seq)
    }
    if (stamp >= this.timeline.measureFrom && stamp < this.timeline.measureTo) {
      this.deliveries++
      this.deliveryLatencies.push(at - stamp)
      const label = content.slice(0, content.indexOf('|'))
      const entry = this.lastReceived.get(label)
      if (entry) {
        entry.receivers++
        if (at > entry.at) entry.at = at
      } else this.lastReceived.set(label, { stamp, at, receivers: 1 })
    }
  }

  /** One create; `stamp` is the (scheduled) send time written into the content. */
  private async send(sender: SenderSpec, label: string, scheduled: number) {
    // The receivers see the stamp as written (3 decimals): classify the message by that same value.
    const text = scheduled.toFixed(3)
    const stamp = Number(text)
    const bare = `${label}||${text}`
    const padding = Math.max(0, (this.shape.contentBytes ?? 0) - bare.length)
    const content = padding ? `${label}|${'x'.repeat(padding)}|${text}` : `${label}|${text}`
    try {
      const message: any = await this.clients[sender.client]
        .service('api/chats/:chat_id/messages')
        .create({ content }, { route: { chat_id: sender.chatId } })
      this.status.createdTotal++
      this.ackedIds.push(message.message_id)
      if (stamp >= this.timeline.measureFrom && stamp < this.timeline.measureTo) {
        this.created++
        this.ackLatencies.push(now() - stamp)
      }
    } catch (error: any) {
      this.status.errors++
      if (this.errorSamples.length < 5) this.errorSamples.push(`${error?.name}: ${error?.message}`)
    }
  }

  /** Sends until `timeline.measureTo`; resolves when every create has been answered. Counters start at 0. */
  async run(senders: SenderSpec[], mode: SendMode, timeline: Timeline, shape: SendShape = {}) {
    // A new run starts from zero (the driver drained the previous one).
    this.timeline = timeline
    this.shape = shape
    this.order = { outOfOrder: 0, gaps: 0 }
    this.lastReceived = new Map()
    this.ackLatencies = new Samples()
    this.deliveryLatencies = new Samples()
    this.ackedIds = []
    this.errorSamples = []
    this.created = this.deliveries = 0
    this.status = { createdTotal: 0, deliveriesTotal: 0, errors: 0 }
    await sleep(timeline.start - now())
    if (senders.length === 0) return
    let n = 0
    if (mode.kind === 'closed') {
      const lane = async (sender: SenderSpec) => {
        while (now() < timeline.measureTo) await this.send(sender, `${this.tag}.${n++}`, now())
      }
      await Promise.all(senders.flatMap((s) => Array.from({ length: mode.inFlight }, () => lane(s))))
      return
    }
    // Open loop: message k is due at start + k/rate, whatever happened to the earlier ones.
    const pending = new Set<Promise<void>>()
    const interval = 1000 / mode.rate
    while (timeline.start + n * interval < timeline.measureTo) {
      const t = now()
      while (timeline.start + n * interval <= t && timeline.start + n * interval < timeline.measureTo) {
        const p = this.send(senders[n % senders.length], `${this.tag}.${n}`, timeline.start + n * interval)
        pending.add(p)
        void p.then(() => pending.delete(p))
        n++
      }
      await sleep(Math.min(1, timeline.start + n * interval - now()))
    }
    await Promise.all(pending)
  }

  getStatus(): WorkerStatus {
    return { ...this.status }
  }

  report(): WorkerReport {
    return {
      ...this.status,
      created: this.created,
      deliveries: this.deliveries,
      ackLatencies: this.ackLatencies.toArray(),
      deliveryLatencies: this.deliveryLatencies.toArray(),
      ackedIds: this.ackedIds,
      errorSamples: this.errorSamples,
      ...this.order,
      lastReceived: this.lastReceived
    }
  }

  close() {
    for (const socket of this.sockets) socket.disconnect()
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

// The load generator's client side, run inside the worker processes (bench/lib/fanout-worker.ts): Feathers
// clients over WebSocket that authenticate with a JWT, listen to `api/messages created`, and send with
// `api/chats/:chat_id/messages` create, closed loop (N creates outstanding per sender) or open loop (sends
// scheduled at a fixed rate). Every message's content carries its send time; the receive time minus that is the
// latency. Times come from process.hrtime (CLOCK_MONOTONIC, one clock for every process on the machine), so
// stamps from a sender in one worker compare with receive times in another.
import { io, type Socket } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createClient, type ClientApplication } from '../../src/client'

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

export interface WorkerReport extends WorkerStatus {
  /** acknowledged creates sent inside the window */
  created: number
  /** deliveries of messages sent inside the window */
  deliveries: number
  ackLatencies: Float64Array
  deliveryLatencies: Float64Array
  ackedIds: string[]
  errorSamples: string[]
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

export const connectClient = async (spec: ClientSpec) => {
  const socket = io(spec.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const client = createClient(socketioClient(socket))
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

  constructor(private readonly tag: string) {}

  async connect(specs: ClientSpec[], concurrency = 10) {
    this.clients = new Array(specs.length)
    let next = 0
    await Promise.all(
      Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
        while (next < specs.length) {
          const i = next++
          const { client, socket } = await connectClient(specs[i])
          this.sockets.push(socket)
          client.service('api/messages' as any).on('created', (message: any) => this.received(message))
          this.clients[i] = client
        }
      })
    )
  }

  private received(message: { content?: string }) {
    const at = now()
    const content = message.content ?? ''
    const stamp = Number(content.slice(content.lastIndexOf('|') + 1))
    this.status.deliveriesTotal++
    if (stamp >= this.timeline.measureFrom && stamp < this.timeline.measureTo) {
      this.deliveries++
      this.deliveryLatencies.push(at - stamp)
    }
  }

  /** One create; `stamp` is the (scheduled) send time written into the content. */
  private async send(sender: SenderSpec, label: string, scheduled: number) {
    // The receivers see the stamp as written (3 decimals): classify the message by that same value.
    const text = scheduled.toFixed(3)
    const stamp = Number(text)
    try {
      const message: any = await this.clients[sender.client]
        .service('api/chats/:chat_id/messages')
        .create({ content: `${label}|${text}` }, { route: { chat_id: sender.chatId } })
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
  async run(senders: SenderSpec[], mode: SendMode, timeline: Timeline) {
    // A new run starts from zero (the driver drained the previous one).
    this.timeline = timeline
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
      errorSamples: this.errorSamples
    }
  }

  close() {
    for (const socket of this.sockets) socket.disconnect()
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

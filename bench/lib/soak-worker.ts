// A soak load-generator worker process (forked by bench/soak.ts with IPC, 'advanced' serialization). It holds
// one Feathers socket client per user of its share and, between `timeline.start` and `timeline.end`, runs open
// loops at fixed rates (this worker's share of each total): messages, typing indicators, read receipts
// (mark-read), presence changes and reconnects. A reconnecting client disconnects, stays away for a while,
// connects and authenticates a new socket, then catches up on each of its chats with `after_seq` (from the
// highest seq it holds without a gap, page after page until `has_more` is false), as a real client does.
// Every `api/messages created` a user receives is recorded per (user, chat) by `seq` (live or by catch-up), so
// the check after the soak can count exactly which acknowledged message did not reach which member, and how
// many live deliveries repeated a seq the user already had live (duplicates).
// Against the bare Socket.IO baseline (`baseline: true`) only messages and reconnects run (it implements no
// typing, read state, presence or history), and there is no catch-up.
// Commands: connect → connected, run → done, status → status, check → checked, report → report, exit.
import { io, type Socket } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createClient, type ClientApplication } from '../../src/client'
import { now, Samples } from './feathers-load-client'

export type ChatKind = 'private' | 'group10' | 'group100'

export interface SoakUser {
  userId: string
  token: string
  chats: { chatId: string; kind: ChatKind }[]
}

export interface SoakRates {
  messages: number
  typing: number
  read: number
  presence: number
  reconnects: number
}

/** Absolute times on `now()`'s clock (CLOCK_MONOTONIC, the same in every process). */
export interface SoakTimeline {
  start: number
  /** messages sent from here on count in the latency and per-message CPU figures */
  measureFrom: number
  end: number
}

export type SoakCommand =
  | { type: 'connect'; url: string; baseline: boolean; users: SoakUser[]; concurrency: number }
  | {
      type: 'run'
      timeline: SoakTimeline
      rates: SoakRates
      weights: Record<ChatKind, number>
      offlineMs: [number, number]
    }
  | { type: 'status' }
  | { type: 'check'; acked: Record<string, number[]>; lastSeq: Record<string, number> }
  | { type: 'report' }
  | { type: 'exit' }

export interface SoakStatus {
  acked: number
  liveDeliveries: number
  errors: number
  reconnects: number
  offline: number
}

export interface SoakCheck {
  /** (acknowledged message, member) pairs where the member never got the message, live or by catch-up */
  lost: number
  /** of which the member had reconnected during the soak */
  lostReconnected: number
  /** (stored message up to chats.last_seq, member) pairs missing, acknowledged or not */
  missingStored: number
  expected: number
  lostSamples: string[]
}

export interface SoakReport {
  ackedTotal: number
  /** acknowledged creates scheduled inside [measureFrom, end) */
  ackedInWindow: number
  acked: [string, number][]
  ackedIds: string[]
  latencies: Float64Array
  /** the scheduled send time of each entry of `latencies` */
  latencySentAt: Float64Array
  ackLatencies: Float64Array
  liveDeliveries: number
  duplicates: number
  /** live deliveries of a seq the user already had from a catch-up page (expected around a reconnect) */
  overlaps: number
  outOfOrder: number
  unexpected: number
  caughtUp: number
  catchUpPages: number
  catchUpMs: Float64Array
  reconnects: number
  dropped: number
  ops: Record<string, number>
  events: Record<string, number>
  errors: number
  errorsByKind: Record<string, number>
  errorSamples: string[]
}

type ChatMessageFind = (params: {
  route: { chat_id: string }
  query: { after_seq: number; limit: number }
}) => Promise<{ data: { seq: number }[]; has_more: boolean }>

const LIVE = 1
const CAUGHT_UP = 2

/** One user's view of one chat: a flag byte per seq. */
class Received {
  flags = new Uint8Array(256)
  /** every seq in 1..contiguous is held */
  contiguous = 0
  maxLive = 0
  mark(seq: number, how: number) {
    if (seq >= this.flags.length) {
      const bigger = new Uint8Array(Math.max(seq + 1, this.flags.length * 2))
      bigger.set(this.flags)
      this.flags = bigger
    }
    const before = this.flags[seq]
    this.flags[seq] = before | how
    while (this.contiguous + 1 < this.flags.length && this.flags[this.contiguous + 1]) this.contiguous++
    return before
  }
  has(seq: number) {
    return seq < this.flags.length && this.flags[seq] !== 0
  }
}

interface Slot {
  user: SoakUser
  client?: ClientApplication
  socket?: Socket
  state: 'online' | 'offline'
  inFlight: number
  reconnected: boolean
  /** bumped by every reconnect cycle, so an older one does not mark the slot online */
  generation: number
  chats: Map<string, Received>
}

/** Forgets the slot's socket first (so its disconnect handler ignores it), then closes it. */
const detach = (slot: Slot) => {
  const socket = slot.socket
  slot.socket = undefined
  socket?.disconnect()
}
const isConnected = (slot: Slot) => Boolean(slot.socket?.connected)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]
const STATUSES = ['online', 'away', 'dnd'] as const

class SoakClients {
  private slots: Slot[] = []
  private url = ''
  private baseline = false
  private timeline: SoakTimeline = { start: Infinity, measureFrom: Infinity, end: -Infinity }
  private latencies = new Samples()
  private latencySentAt = new Samples()
  private ackLatencies = new Samples()
  private catchUpMs = new Samples()
  private acked: [string, number][] = []
  private ackedIds: string[] = []
  private ackedInWindow = 0
  private liveDeliveries = 0
  private duplicates = 0
  private overlaps = 0
  private outOfOrder = 0
  private unexpected = 0
  private caughtUp = 0
  private catchUpPages = 0
  private reconnects = 0
  /** connections the server dropped (each followed by a reconnect and catch-up) */
  private dropped = 0
  private closing = false
  private readonly recoveries = new Set<Promise<void>>()
  private ops: Record<string, number> = {}
  private events: Record<string, number> = {}
  private errors = 0
  private errorsByKind: Record<string, number> = {}
  private errorSamples: string[] = []

  private fail(kind: string, error: any) {
    this.errors++
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1
    if (this.errorSamples.length < 8) this.errorSamples.push(`${kind}: ${error?.name}: ${error?.message}`)
  }

  private onMessage(slot: Slot, message: { chat_id?: string; seq?: number; content?: string }) {
    const at = now()
    this.liveDeliveries++
    const received = slot.chats.get(String(message.chat_id))
    if (!received || typeof message.seq !== 'number') return void this.unexpected++
    const before = received.mark(message.seq, LIVE)
    if (before & LIVE) this.duplicates++
    else if (before & CAUGHT_UP) this.overlaps++
    if (message.seq < received.maxLive) this.outOfOrder++
    received.maxLive = Math.max(received.maxLive, message.seq)
    const content = message.content ?? ''
    const stamp = Number(content.slice(content.lastIndexOf('|') + 1))
    if (stamp >= this.timeline.measureFrom && stamp < this.timeline.end) {
      this.latencies.push(at - stamp)
      this.latencySentAt.push(stamp)
    }
  }

  /** A new socket and client for the slot; listeners are attached before authenticating, so nothing is missed. */
  private async open(slot: Slot) {
    const socket = io(this.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 20_000
    })
    const client = createClient(socketioClient(socket, { timeout: 20_000 }))
    client.service('api/messages' as any).on('created', (message: any) => this.onMessage(slot, message))
    socket.onAny((event: string) => {
      if (event !== 'api/messages created') this.events[event] = (this.events[event] ?? 0) + 1
    })
    slot.socket = socket
    slot.client = client
    // A connection the server dropped (not one the harness closed): reconnect and catch up, like a real client.
    socket.on('disconnect', () => {
      if (slot.socket !== socket || this.closing) return
      this.dropped++
      const recovery = this.cycle(slot, 500 + Math.random() * 1000)
      this.recoveries.add(recovery)
      void recovery.finally(() => this.recoveries.delete(recovery))
    })
    const token = this.baseline
      ? `baseline:${slot.user.userId}:${slot.user.chats.map((c) => c.chatId).join(',')}`
      : slot.user.token
    await client.authenticate({ strategy: 'jwt', accessToken: token })
  }

  async connect(url: string, baseline: boolean, users: SoakUser[], concurrency: number) {
    this.url = url
    this.baseline = baseline
    this.slots = users.map((user) => ({
      user,
      state: 'offline',
      inFlight: 0,
      reconnected: false,
      generation: 0,
      chats: new Map(user.chats.map((c) => [c.chatId, new Received()]))
    }))
    let next = 0
    await Promise.all(
      Array.from({ length: Math.min(concurrency, this.slots.length) }, async () => {
        while (next < this.slots.length) {
          const slot = this.slots[next++]
          await this.open(slot)
          slot.state = 'online'
        }
      })
    )
  }

  /** A random online slot with nothing outstanding (or any online one when `idle` is false). */
  private onlineSlot(idle = false) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const slot = pick(this.slots)
      if (slot.state === 'online' && (!idle || slot.inFlight === 0)) return slot
    }
    return undefined
  }

  private async call<T>(slot: Slot, kind: string, fn: (client: ClientApplication) => Promise<T>) {
    slot.inFlight++
    this.ops[kind] = (this.ops[kind] ?? 0) + 1
    try {
      return await fn(slot.client!)
    } catch (error) {
      this.fail(kind, error)
      return undefined
    } finally {
      slot.inFlight--
    }
  }

  private async sendMessage(n: number, scheduled: number, weights: Record<ChatKind, number>) {
    const slot = this.onlineSlot()
    if (!slot) return this.fail('message', new Error('no online client to send from'))
    // The kind of chat by weight, then one of the sender's chats of that kind.
    const total = Object.values(weights).reduce((a, b) => a + b, 0)
    let r = Math.random() * total
    let kind: ChatKind = 'private'
    for (const [k, w] of Object.entries(weights) as [ChatKind, number][]) {
      if ((r -= w) < 0) {
        kind = k
        break
      }
    }
    const chats = slot.user.chats.filter((c) => c.kind === kind)
    const chatId = pick(chats.length ? chats : slot.user.chats).chatId
    const text = scheduled.toFixed(3)
    const message: any = await this.call(slot, 'message', (client) =>
      client
        .service('api/chats/:chat_id/messages')
        .create(
          { content: `soak ${n}: a message of an ordinary length, sent at |${text}` },
          { route: { chat_id: chatId } }
        )
    )
    if (!message) return
    this.acked.push([String(message.chat_id), Number(message.seq)])
    if (message.message_id) this.ackedIds.push(String(message.message_id))
    const stamp = Number(text)
    if (stamp >= this.timeline.measureFrom && stamp < this.timeline.end) {
      this.ackedInWindow++
      this.ackLatencies.push(now() - stamp)
    }
  }

  private async typing() {
    const slot = this.onlineSlot()
    if (!slot) return
    const chatId = pick(slot.user.chats).chatId
    const route = { route: { chat_id: chatId } }
    await this.call(slot, 'typing', (client) =>
      client.service('api/chats/:chat_id/typing').create({ typing: true }, route)
    )
    // Half the typists stop explicitly after 1–3 s; the others are left to expire on the server.
    if (Math.random() < 0.5) {
      await sleep(1000 + Math.random() * 2000)
      if (slot.state === 'online')
        await this.call(slot, 'typing stop', (client) =>
          client.service('api/chats/:chat_id/typing').create({ typing: false }, route)
        )
    }
  }

  private async markRead() {
    const slot = this.onlineSlot()
    if (!slot) return
    const chatId = pick(slot.user.chats).chatId
    await this.call(slot, 'mark read', (client) =>
      client.service('api/chats/:chat_id/mark-read').update(null, {}, { route: { chat_id: chatId } })
    )
  }

  private async presence() {
    const slot = this.onlineSlot()
    if (!slot) return
    await this.call(slot, 'presence', (client) =>
      client.service('api/users/status').update(null, { status: pick([...STATUSES]) })
    )
  }

  /** A planned reconnect: a random idle client disconnects, stays away, then comes back (`cycle`). */
  private async reconnect(offlineMs: [number, number]) {
    const slot = this.onlineSlot(true)
    if (!slot) return
    this.reconnects++
    await this.cycle(slot, offlineMs[0] + Math.random() * (offlineMs[1] - offlineMs[0]))
  }

  /**
   * Disconnect (if still connected), stay away `awayMs`, connect a new socket and authenticate (retried with a
   * backoff until it works, as a real client does), then catch up on every chat with `after_seq`.
   */
  private async cycle(slot: Slot, awayMs: number) {
    const generation = ++slot.generation
    slot.state = 'offline'
    slot.reconnected = true
    detach(slot)
    await sleep(awayMs)
    for (let attempt = 1; ; attempt++) {
      try {
        await this.open(slot)
        if (generation !== slot.generation) return
        break
      } catch (error) {
        this.fail('reconnect', error)
        detach(slot)
        if (this.closing || generation !== slot.generation) return
        await sleep(Math.min(5000, 500 * attempt))
      }
    }
    if (!this.baseline) {
      const started = now()
      slot.inFlight++
      try {
        for (const [chatId, received] of slot.chats) {
          let after = received.contiguous
          for (let failures = 0; ;) {
            this.catchUpPages++
            let page: Awaited<ReturnType<ChatMessageFind>>
            try {
              page = await slot.client!.service('api/chats/:chat_id/messages').find({
                route: { chat_id: chatId },
                query: { after_seq: after, limit: 100 }
              })
            } catch (error) {
              this.fail('catch-up', error)
              // A real client retries the page; if the socket is gone, the disconnect handler starts over.
              if (++failures >= 10 || !isConnected(slot) || generation !== slot.generation) throw error
              await sleep(Math.min(3000, 500 * failures))
              continue
            }
            for (const m of page.data) {
              if (!(received.mark(m.seq, CAUGHT_UP) & (LIVE | CAUGHT_UP))) this.caughtUp++
              after = Math.max(after, m.seq)
            }
            if (!page.has_more || page.data.length === 0) break
          }
        }
        this.catchUpMs.push(now() - started)
      } catch {
        // counted above
      } finally {
        slot.inFlight--
      }
    }
    // A newer cycle (the server dropped this socket meanwhile) owns the slot now.
    if (generation === slot.generation) slot.state = 'online'
  }

  /** Runs every open loop until `timeline.end`, then waits for everything outstanding. */
  async run(command: Extract<SoakCommand, { type: 'run' }>) {
    this.timeline = command.timeline
    const { start, end } = command.timeline
    const pending = new Set<Promise<unknown>>()
    const track = (p: Promise<unknown>) => {
      pending.add(p)
      void p.finally(() => pending.delete(p))
    }
    const loops: [number, (n: number, due: number) => Promise<unknown>][] = [
      [command.rates.messages, (n, due) => this.sendMessage(n, due, command.weights)],
      [command.rates.typing, () => this.typing()],
      [command.rates.read, () => this.markRead()],
      [command.rates.presence, () => this.presence()],
      [command.rates.reconnects, () => this.reconnect(command.offlineMs)]
    ]
    await sleep(start - now())
    // Operation k of a loop is due at start + k / rate, whatever happened to the earlier ones (open loop).
    const counts = loops.map(() => 0)
    for (;;) {
      const t = now()
      if (t >= end) break
      let nextDue = end
      loops.forEach(([rate, fn], i) => {
        if (rate <= 0) return
        const interval = 1000 / rate
        while (start + counts[i] * interval <= t && start + counts[i] * interval < end) {
          track(fn(counts[i], start + counts[i] * interval))
          counts[i]++
        }
        nextDue = Math.min(nextDue, start + counts[i] * interval)
      })
      await sleep(Math.min(5, nextDue - now()))
    }
    while (pending.size || this.recoveries.size) await Promise.all([...pending, ...this.recoveries])
  }

  status(): SoakStatus {
    return {
      acked: this.acked.length,
      liveDeliveries: this.liveDeliveries,
      errors: this.errors,
      reconnects: this.reconnects,
      offline: this.slots.filter((s) => s.state !== 'online').length
    }
  }

  check(acked: Record<string, number[]>, lastSeq: Record<string, number>): SoakCheck {
    const result: SoakCheck = { lost: 0, lostReconnected: 0, missingStored: 0, expected: 0, lostSamples: [] }
    for (const slot of this.slots) {
      for (const [chatId, received] of slot.chats) {
        for (const seq of acked[chatId] ?? []) {
          result.expected++
          if (received.has(seq)) continue
          result.lost++
          if (slot.reconnected) result.lostReconnected++
          if (result.lostSamples.length < 5)
            result.lostSamples.push(
              `user ${slot.user.userId} chat ${chatId} seq ${seq}${slot.reconnected ? ' (reconnected)' : ''}`
            )
        }
        for (let seq = 1; seq <= (lastSeq[chatId] ?? 0); seq++) if (!received.has(seq)) result.missingStored++
      }
    }
    return result
  }

  report(): SoakReport {
    return {
      ackedTotal: this.acked.length,
      ackedInWindow: this.ackedInWindow,
      acked: this.acked,
      ackedIds: this.ackedIds,
      latencies: this.latencies.toArray(),
      latencySentAt: this.latencySentAt.toArray(),
      ackLatencies: this.ackLatencies.toArray(),
      liveDeliveries: this.liveDeliveries,
      duplicates: this.duplicates,
      overlaps: this.overlaps,
      outOfOrder: this.outOfOrder,
      unexpected: this.unexpected,
      caughtUp: this.caughtUp,
      catchUpPages: this.catchUpPages,
      catchUpMs: this.catchUpMs.toArray(),
      reconnects: this.reconnects,
      dropped: this.dropped,
      ops: this.ops,
      events: this.events,
      errors: this.errors,
      errorsByKind: this.errorsByKind,
      errorSamples: this.errorSamples
    }
  }

  close() {
    this.closing = true
    for (const slot of this.slots) slot.socket?.disconnect()
  }
}

if (process.send) {
  const clients = new SoakClients()
  const reply = (message: unknown) => process.send?.(message)
  const fail = (error: any) => reply({ type: 'error', message: String(error?.stack ?? error) })
  process.on('message', (command: SoakCommand) => {
    switch (command.type) {
      case 'connect':
        clients
          .connect(command.url, command.baseline, command.users, command.concurrency)
          .then(() => reply({ type: 'connected' }), fail)
        break
      case 'run':
        clients.run(command).then(() => reply({ type: 'done' }), fail)
        break
      case 'status':
        reply({ type: 'status', status: clients.status() })
        break
      case 'check':
        reply({ type: 'checked', check: clients.check(command.acked, command.lastSeq) })
        break
      case 'report':
        reply({ type: 'report', report: clients.report() })
        break
      case 'exit':
        clients.close()
        setTimeout(() => process.exit(0), 50)
        break
    }
  })
  process.on('disconnect', () => process.exit(0))
  process.on('unhandledRejection', fail)
}

// New messages reach this instance's sockets in `seq` order per chat, even when several instances write to one
// chat. Seqs are gap-free per chat (message-statements.ts), but an instance emits its own batch at once while
// another instance's earlier batch is still crossing Redis: without this, a receiver on B got B's seqs 11–20
// before A's 1–10 (the two-instance bench counted ~30 % of deliveries out of order).
//
// So an event whose seq is ahead of the next one expected for its chat is held until the missing seqs arrive,
// or at most `windowMs` (pub/sub is at most once: a lost event must not stall a chat; resync.ts repairs it).
// An event at or behind the expected seq (a late arrival after the window, a resync) is emitted at once. A
// chat this instance has not seen yet starts at whatever seq arrives first, so nothing is held on a cold chat.
// Only used with Redis (several instances); one instance emits its own commits in order anyway.

interface ChatState {
  /** the seq this chat's next event should carry */
  next: number
  /** held events by seq, while a gap is open */
  held?: Map<number, () => void>
  timer?: NodeJS.Timeout
}

export interface SeqOrderOptions {
  /** the longest an event waits for the seqs before it */
  windowMs: number
  /** chats remembered; beyond it the oldest-created entries without held events are forgotten */
  maxChats: number
}

export class SeqOrder {
  private chats = new Map<string, ChatState>()
  /** events emitted after waiting for a gap that closed, and gaps that the window gave up on */
  readonly stats = { held: 0, expired: 0 }

  constructor(private options: SeqOrderOptions) {}

  /** Runs `emit` now, or once the seqs before `seq` in `chatId` have been emitted (or the window passed). */
  deliver(chatId: string, seq: number, emit: () => void) {
    const state = this.chats.get(chatId)
    if (!state) {
      this.remember(chatId, { next: seq + 1 })
      return emit()
    }
    if (seq < state.next) return emit()
    if (seq === state.next && !state.held) {
      state.next = seq + 1
      return emit()
    }
    if (seq === state.next) {
      state.next = seq + 1
      emit()
      return this.drain(state)
    }
    this.hold(state, seq, emit)
  }

  /** Emits everything still held (teardown). */
  flush() {
    for (const state of this.chats.values()) if (state.held) this.expire(state)
  }

  private hold(state: ChatState, seq: number, emit: () => void) {
    this.stats.held++
    if (!state.held) state.held = new Map()
    state.held.set(seq, emit)
    if (!state.timer) {
      state.timer = setTimeout(() => this.expire(state), this.options.windowMs)
      state.timer.unref()
    }
  }

  /** Emits the held events that are now next in line, and closes the gap when none is left. */
  private drain(state: ChatState) {
    const held = state.held!
    for (let emit = held.get(state.next); emit; emit = held.get(state.next)) {
      held.delete(state.next)
      state.next++
      emit()
    }
    if (held.size === 0) this.close(state)
  }

  /** The window passed: the missing seqs are given up on and the held events go out in seq order. */
  private expire(state: ChatState) {
    this.stats.expired++
    const held = [...state.held!.entries()].sort((a, b) => a[0] - b[0])
    this.close(state)
    for (const [seq, emit] of held) {
      state.next = Math.max(state.next, seq + 1)
      emit()
    }
  }

  private close(state: ChatState) {
    state.held = undefined
    if (state.timer) clearTimeout(state.timer)
    state.timer = undefined
  }

  private remember(chatId: string, state: ChatState) {
    if (this.chats.size >= this.options.maxChats) {
      for (const [id, old] of this.chats) {
        if (this.chats.size < this.options.maxChats) break
        if (!old.held) this.chats.delete(id)
      }
    }
    this.chats.set(chatId, state)
  }
}

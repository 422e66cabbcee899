import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { TypingData, TypingEvent } from '../chats.schema'

export const typingPath = 'api/chats/:chat_id/typing'

/**
 * `POST /api/chats/:chat_id/typing {typing}`: `typing_start` / `typing_stop` to the chat's other members.
 * A typing state lasts `typingTimeoutMs` (5 s) unless refreshed; then the server sends `typing_stop` itself.
 */
export class TypingService {
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly app: Application) {}

  private announce(event: 'typing_start' | 'typing_stop', payload: TypingEvent) {
    this.app.service(typingPath).emit(event, payload)
  }

  async create(data: TypingData, params: Params): Promise<TypingEvent & { typing: boolean }> {
    const payload: TypingEvent = { chat_id: String(params.route!.chat_id), user_id: params.user!.user_id }
    const key = `${payload.chat_id}:${payload.user_id}`
    const running = this.timers.get(key)
    if (running) clearTimeout(running)
    if (data.typing) {
      if (!running) this.announce('typing_start', payload)
      this.timers.set(
        key,
        setTimeout(() => this.stop(key, payload), this.app.get('limits').typingTimeoutMs)
      )
    } else {
      this.stop(key, payload, Boolean(running))
    }
    return { ...payload, typing: data.typing }
  }

  /** Ends a typing state; `announce` is false when there was none to end. */
  stop(key: string, payload: TypingEvent, announce = true) {
    const timer = this.timers.get(key)
    if (timer) clearTimeout(timer)
    this.timers.delete(key)
    if (announce) this.announce('typing_stop', payload)
  }

  /** Clears every pending timer (app teardown), so nothing fires after the app stopped. */
  async teardown() {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}

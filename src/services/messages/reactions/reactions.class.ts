// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
import type { Id, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { Message } from '../messages.schema'
import type { ReactionData, ReactionEvent, ReactionSummary } from './reactions.schema'
import { addReaction, listReactions, removeReaction, type ReactionChange } from './reaction-store'

export type { ReactionData, ReactionEvent, ReactionSummary }

export interface ReactionParams extends Params {
  /** The message with its new counts (the recent-messages cache keeps it). */
  changedMessage?: Message
}

/** `api/messages/:message_id/reactions`: members react (checked by hooks); the emoji is the id. */
export class ReactionService {
  constructor(private readonly app: Application) {}

  private get db() {
    return this.app.get('postgresqlClient')
  }

  async find(params: ReactionParams): Promise<ReactionSummary[]> {
    return listReactions(this.db, String(params.route!.message_id), params.user?.user_id)
  }

  async create(data: ReactionData, params: ReactionParams): Promise<ReactionEvent> {
    const messageId = String(params.route!.message_id)
    const userId = params.user!.user_id
    return this.answer(await addReaction(this.db, messageId, userId, data.emoji), data.emoji, userId, params)
  }

  async remove(id: Id, params: ReactionParams): Promise<ReactionEvent> {
    const messageId = String(params.route!.message_id)
    const userId = params.user!.user_id
    const emoji = String(id)
    return this.answer(await removeReaction(this.db, messageId, userId, emoji), emoji, userId, params)
  }

  private answer(change: ReactionChange, emoji: string, userId: string, params: ReactionParams) {
    params.changed = change.changed
    if (change.changed) this.app.get('webhookDispatcher')?.maybeWake(change.message.chat_id)
    params.changedMessage = change.message
    const { chat_id, message_id } = change.message
    return { chat_id, message_id, emoji, user_id: userId, count: change.count }
  }
}

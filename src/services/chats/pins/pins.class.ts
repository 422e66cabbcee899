// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
import type { Id, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { Message } from '../../messages/messages.schema'
import { withMyReactions } from '../../messages/reactions/reaction-store'
import type { Pin, PinData, PinPage, PinQuery } from './pins.schema'
import { pinMessage, pinnedMessages, unpinMessage, type PinChange } from './pin-store'

export type { Pin, PinData, PinPage, PinQuery }

export interface PinParams extends Params<PinQuery> {
  /** The message with its new pin state (the recent-messages cache keeps it). */
  changedMessage?: Message
}

/** `api/chats/:chat_id/pins`: pinned messages of a chat (who may pin is checked by hooks). */
export class PinService {
  constructor(private readonly app: Application) {}

  private get db() {
    return this.app.get('postgresqlClient')
  }

  async find(params: PinParams): Promise<PinPage> {
    const limit = params.query?.limit ?? 50
    const page = await pinnedMessages(this.db, String(params.route!.chat_id), limit, params.query?.before)
    return {
      data: await withMyReactions(this.db, params.user?.user_id, page.rows),
      limit,
      has_more: page.has_more
    }
  }

  async create(data: PinData, params: PinParams): Promise<Pin> {
    const chatId = String(params.route!.chat_id)
    return this.answer(await pinMessage(this.db, chatId, data.message_id, params.user!.user_id), params)
  }

  async remove(id: Id, params: PinParams): Promise<Pin> {
    return this.answer(await unpinMessage(this.db, String(params.route!.chat_id), String(id)), params)
  }

  private answer(change: PinChange, params: PinParams): Pin {
    params.changed = change.changed
    params.changedMessage = change.message
    const { chat_id, message_id, pinned_at, pinned_by } = change.message
    return { chat_id, message_id, pinned_at, pinned_by }
  }
}

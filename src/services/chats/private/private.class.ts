import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { Chat, ChatParams, PrivateChatData } from '../chats.class'

/** `POST /api/chats/private {user_id}`: the one private chat of two users (201 the first time, then 200). */
export class PrivateChatService {
  constructor(private readonly app: Application) {}

  async create(data: PrivateChatData, params: Params & { existing?: boolean }): Promise<Chat> {
    const inner: ChatParams = { user: params.user }
    const chat = await this.app.service('api/chats').create(data, inner)
    params.existing = inner.existing
    return chat
  }
}

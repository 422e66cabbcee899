// `POST /api/hooks/:token`: an integration posts into its chat. The message is sent by the chat's messages
// service as the integration, with the transport of the request, so it goes through every rule a member's
// message goes through (validation, membership, mutes, the per-user limit) and reaches members the same way.
import type { Application } from '../../../declarations'
import type { Message, MessageParams } from '../../messages/messages.class'
import type { HookPostData } from '../incoming-webhooks.schema'

export class HookPostService {
  constructor(private readonly app: Application) {}

  async create(data: HookPostData, params?: MessageParams): Promise<Message> {
    const hook = params!.incomingWebhook!
    const inner: MessageParams = {
      provider: params?.provider,
      authenticated: true,
      user: params!.user,
      route: { chat_id: hook.chat_id }
    }
    const message = await this.app
      .service('api/chats/:chat_id/messages')
      .create({ content: data.content, ...(data.client_id ? { client_id: data.client_id } : {}) }, inner)
    if (inner.duplicate && params) params.duplicate = true
    return message as Message
  }
}

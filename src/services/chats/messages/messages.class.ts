import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type {
  Message,
  MessageData,
  MessagePage,
  MessageParams,
  MessageQuery
} from '../../messages/messages.class'

/**
 * `GET|POST /api/chats/:chat_id/messages`: history and sending, for members (checked by hooks). Both
 * delegate to the canonical `api/messages` service, which emits the `created` event.
 */
export class ChatMessageService {
  constructor(private readonly app: Application) {}

  async find(params: Params<MessageQuery>): Promise<MessagePage> {
    return this.app
      .service('api/messages')
      .find({ route: params.route, query: params.query, user: params.user })
  }

  async create(data: MessageData, params: MessageParams): Promise<Message> {
    const inner: MessageParams = { route: params.route, user: params.user }
    const message = await this.app.service('api/messages').create(data, inner)
    params.duplicate = inner.duplicate
    return message
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { MessageEdit } from './edits.schema'
import { editsOf } from './edit-store'

export type { MessageEdit }

/** `GET /api/messages/:message_id/edits`: a message's earlier contents, oldest first (members only). */
export class MessageEditService {
  constructor(private readonly app: Application) {}

  async find(params: Params): Promise<MessageEdit[]> {
    return editsOf(this.app.get('postgresqlClient'), String(params.route!.message_id))
  }
}

// A reply's `thread_root_id` must name a top-level message of the same chat that is not deleted (SPEC §10).
// One query, and only for a send that has a thread_root_id: a plain send costs nothing here.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { threadRootOf } from '../services/messages/thread/thread-store'

const invalid = (message: string) =>
  new BadRequest(`Invalid data: thread_root_id ${message}`, [{ instancePath: '/thread_root_id', message }])

export const validateThreadRoot = async (context: HookContext) => {
  const rootId = context.data?.thread_root_id
  if (rootId === undefined || rootId === null) return
  const root = await threadRootOf(context.app.get('postgresqlClient'), String(rootId))
  if (!root || root.chat_id !== String(context.params.route?.chat_id)) {
    throw invalid('must be a message of this chat')
  }
  if (root.thread_root_id) throw invalid('must be a top-level message, not a reply in a thread')
  if (root.deleted_at) throw invalid('must not be a deleted message')
}

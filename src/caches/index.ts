// The caches, each with one owner module that knows its keys, its reads and what invalidates it:
//   redis-cache.ts      the Redis store under them all (pending deletes after an outage)
//   chat-lists.ts       chat_list:{user_id}, the first page of GET /api/chats
//   recent-messages.ts  message_queue:{chat_id}, the newest messages of each chat
//   identity.ts         verified identities per access token, in process
//   memberships.ts      "is U a member of C", in process
//   accounts.ts         user:{user_id} and session:{sid}, read by JWT authentication
import type { Application } from '../declarations'
import type { Message } from '../services/messages/messages.schema'
import { chatLists } from './chat-lists'
import { recentMessages } from './recent-messages'
import { forgetAccountsOnChange } from './accounts'
import { forgetIdentitiesOnChange } from './identity'

/** Installs the owners' invalidations; after the services exist (they hook into them). */
export const caches = (app: Application) => {
  app.configure(chatLists)
  app.configure(recentMessages)
  app.configure(forgetAccountsOnChange)
  app.configure(forgetIdentitiesOnChange)
}

/**
 * A batch of new messages was committed: the members' lists change and the messages join their queues, with
 * the thread roots whose summary the batch changed (replaced in their queues, so a root is never served stale).
 */
export const messagesCommitted = async (app: Application, messages: Message[], roots: Message[] = []) => {
  if (messages.length === 0) return
  await Promise.all([
    app.get('chatLists').messagesChanged(messages),
    app.get('recentMessages').putMany(roots.length ? [...messages, ...roots] : messages)
  ])
}

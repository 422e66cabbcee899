// After-hooks that keep the Redis caches true: each write path drops (or updates) what it changed before
// the response is sent, so the same client never reads its own write stale.
import type { Application, HookContext } from '../declarations'
import { memberIdsOfChat, memberIdsOfChats, privateContactsOf } from '../services/chats/membership'
import type { Message } from '../services/messages/messages.schema'

const cacheOf = (context: HookContext) => context.app.get('cache')
const redisInUse = (context: HookContext) => Boolean(context.app.get('redisClient'))

/**
 * Messages were created, edited or deleted: their chats' members' lists (last message, unread) change and the
 * messages take their place in `message_queue`. One membership read and one Redis round trip per chat for all
 * of them (the message writer calls this once per committed batch).
 */
export const messagesChanged = async (app: Application, messages: Message[]) => {
  if (!app.get('redisClient') || messages.length === 0) return
  const chatIds = [...new Set(messages.map((m) => m.chat_id))]
  const members = await memberIdsOfChats(app.get('postgresqlClient'), chatIds)
  await Promise.all([app.get('cache').chatListsOf(members), app.get('messageQueue').putMany(messages)])
}

/** After an edit or a delete. */
export const messageChanged = async (context: HookContext) => messagesChanged(context.app, [context.result])

/** A chat's shape or membership changed (`chat_id` on the result, plus `member_ids` / `user_id` if gone). */
export const chatChanged = async (context: HookContext) => {
  if (!redisInUse(context)) return
  const results = Array.isArray(context.result) ? context.result : [context.result]
  const db = context.app.get('postgresqlClient')
  for (const result of results) {
    const gone = [...(result.member_ids ?? []), ...(result.user_id ? [result.user_id] : [])]
    const members = result.chat_id ? await memberIdsOfChat(db, result.chat_id) : []
    await cacheOf(context).chatListsOf([...new Set([...members, ...gone])])
  }
}

/** My read pointer moved: my own list's unread count changes. */
export const readPointerMoved = async (context: HookContext) => {
  if (!redisInUse(context)) return
  await cacheOf(context).chatListsOf([context.params.user!.user_id])
}

/** A user's public profile or status changed: the lists of users sharing a private chat with them. */
export const contactChanged = async (context: HookContext) => {
  if (!redisInUse(context)) return
  const users = Array.isArray(context.result) ? context.result : [context.result]
  for (const user of users)
    await cacheOf(context).chatListsOf(
      await privateContactsOf(context.app.get('postgresqlClient'), user.user_id)
    )
}

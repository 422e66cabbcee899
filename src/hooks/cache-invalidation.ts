// After-hooks that keep the Redis caches true: each write path drops (or updates) what it changed before
// the response is sent, so the same client never reads its own write stale.
import type { HookContext } from '../declarations'
import { memberIdsOfChat } from '../services/chats/membership'

const cacheOf = (context: HookContext) => context.app.get('cache')
const redisInUse = (context: HookContext) => Boolean(context.app.get('redisClient'))

/** Users who share a private chat with `userId` (their chat lists show this user's name, avatar, status). */
export const privateContactsOf = async (
  context: { app: HookContext['app'] },
  userId: string
): Promise<string[]> =>
  context.app
    .get('postgresqlClient')('chat_participants as mine')
    .join('chats as c', function () {
      this.on('c.chat_id', '=', 'mine.chat_id').andOnVal('c.type', '=', 'private')
    })
    .join('chat_participants as other', 'other.chat_id', 'mine.chat_id')
    .where('mine.user_id', userId)
    .whereNot('other.user_id', userId)
    .pluck('other.user_id')

/** A message was created, edited or deleted: its chat's members' lists (last message, unread) change. */
export const messageChanged = async (context: HookContext) => {
  if (!redisInUse(context) || context.params.duplicate) return
  const message = context.result
  const members = await memberIdsOfChat(context.app.get('postgresqlClient'), message.chat_id)
  await Promise.all([cacheOf(context).chatListsOf(members), context.app.get('messageQueue').put(message)])
}

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
  for (const user of users) await cacheOf(context).chatListsOf(await privateContactsOf(context, user.user_id))
}

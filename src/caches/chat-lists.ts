// Owner of `chat_list:{user_id}`: the first page of GET /api/chats per user (last message, unread counts,
// the other user's name and status in private chats). It knows what changes a list and drops the lists
// concerned from after-hooks it installs itself, so the change is gone from Redis before the response of
// the call that made it (a client never reads its own write stale). Without Redis nothing is cached.
import type { Application, HookContext } from '../declarations'
import { memberIdsOfChat, memberIdsOfChats, privateContactsOfUsers } from '../services/chats/membership'
import { TTL } from './redis-cache'

declare module '../declarations' {
  interface Configuration {
    chatLists: ChatLists
  }
}

export class ChatLists {
  constructor(private readonly app: Application) {}

  private get cache() {
    return this.app.get('cache')
  }

  private get db() {
    return this.app.get('postgresqlClient')
  }

  private key(userId: string) {
    return this.cache.key('chat_list', userId)
  }

  read<T>(userId: string): Promise<T | undefined> {
    return this.cache.get<T>(this.key(userId))
  }

  write(userId: string, page: unknown) {
    return this.cache.set(this.key(userId), page, TTL.chatList)
  }

  /** Drops these users' lists (a failed delete is retried: see redis-cache.ts). */
  async forget(userIds: string[]) {
    if (!this.cache.enabled || userIds.length === 0) return
    await this.cache.del(...userIds.map((id) => this.key(id)))
  }

  /** Messages were created, edited or deleted: their chats' members' lists change (last message, unread). */
  async messagesChanged(messages: Array<{ chat_id: string }>) {
    if (!this.cache.enabled || messages.length === 0) return
    await this.forget(await memberIdsOfChats(this.db, [...new Set(messages.map((m) => m.chat_id))]))
  }

  /** A chat's shape or membership changed: its members' lists, and those of members who just left it. */
  async chatChanged(result: { chat_id?: string; member_ids?: string[]; user_id?: string }) {
    if (!this.cache.enabled) return
    const gone = [...(result.member_ids ?? []), ...(result.user_id ? [result.user_id] : [])]
    const members = result.chat_id ? await memberIdsOfChat(this.db, result.chat_id) : []
    await this.forget([...new Set([...members, ...gone])])
  }

  /** A user's public profile or status changed: the lists of users who share a private chat with them. */
  async contactChanged(userId: string) {
    await this.contactsChanged([userId])
  }

  /** The same for several users at once (presence changes are written in batches). */
  async contactsChanged(userIds: string[]) {
    if (!this.cache.enabled || userIds.length === 0) return
    await this.forget(await privateContactsOfUsers(this.db, userIds))
  }
}

const results = (context: HookContext): any[] =>
  Array.isArray(context.result) ? context.result : [context.result]

/** Installs the chat-list invalidations on the services whose writes change a list (after they exist). */
export const chatLists = (app: Application) => {
  const lists = new ChatLists(app)
  app.set('chatLists', lists)
  const chatChanged = async (context: HookContext) => {
    for (const result of results(context)) await lists.chatChanged(result)
  }
  app.service('api/chats').hooks({ after: { create: [chatChanged] } })
  app.service('api/groups').hooks({
    after: { create: [chatChanged], update: [chatChanged], patch: [chatChanged], remove: [chatChanged] }
  })
  app
    .service('api/groups/:group_id/members')
    .hooks({ after: { create: [chatChanged], remove: [chatChanged] } })
  // My read pointer moved: my own list's unread count changes.
  app.service('api/chats/:chat_id/mark-read').hooks({
    after: { update: [(context: HookContext) => lists.forget([context.params.user!.user_id])] }
  })
  // An edit or a delete (creates arrive from the message writer, once per committed batch).
  const messageChanged = (context: HookContext) => lists.messagesChanged([context.result])
  app.service('api/messages').hooks({
    after: { update: [messageChanged], patch: [messageChanged], remove: [messageChanged] }
  })
  // The list shows each chat's last message with its reactions and pin: those change it too.
  for (const path of ['api/messages/:message_id/reactions', 'api/chats/:chat_id/pins'] as const) {
    app.service(path).hooks({ after: { create: [messageChanged], remove: [messageChanged] } })
  }
  app.service('api/users').hooks({
    after: {
      patch: [
        async (context: HookContext) => {
          for (const user of results(context)) await lists.contactChanged(user.user_id)
        }
      ]
    }
  })
}

// For more information about this file see https://dove.feathersjs.com/api/channels.html
// The one place that decides who hears what.
//  - `users/<user_id>`: every authenticated connection of that user.
//  - `chats/<chat_id>`: every connection of every member of that chat.
// Connections join their chats when they authenticate (also on reAuthenticate() over a live socket) and
// join or leave at once when membership changes. Nothing is published unless a rule below says so.
import { Channel } from '@feathersjs/transport-commons'
import type { Application, HookContext } from './declarations'
import { chatChannel, userChannel, type ChatConnection } from './realtime/connections'

export { userChannel, chatChannel } // kept here too: the channel names belong to the rules below
import type { Chat, ReadReceipt, TypingEvent } from './services/chats/chats.schema'
import type { Group, GroupMember } from './services/groups/groups.schema'
import type { UserStatus } from './services/users/status/status.schema'
import { reactorsOf, viewReactions } from './services/messages/reactions/reaction-store'
import { moderatorIdsOf } from './services/groups/reports/report-store'
import type { Mute } from './services/groups/moderation.schema'

const hasReactions = (message: any) => Array.isArray(message?.reactions) && message.reactions.length > 0

const connectionsOf = (app: Application, userId: string) =>
  app.channel(userChannel(userId)).connections as ChatConnection[]

const book = (app: Application) => app.get('connectionBook')

const joinChat = (app: Application, userIds: string[], chatId: string) => {
  for (const userId of userIds) {
    book(app).touch(userId)
    for (const connection of connectionsOf(app, userId)) book(app).enter(chatChannel(chatId), connection)
  }
}

const leaveChat = (app: Application, userIds: string[], chatId: string) => {
  for (const userId of userIds) {
    book(app).touch(userId)
    app.get('memberships').forget(chatId, userId)
    for (const connection of [...connectionsOf(app, userId)]) book(app).exit(chatChannel(chatId), connection)
  }
}

/**
 * After every successful authentication over a real-time connection: join the user's channels before the
 * response is sent, so an event that follows the login is not missed.
 */
const attachConnection = async (context: HookContext) => {
  const connection = context.params.connection as ChatConnection | undefined
  const user = context.result?.user
  if (!connection || !user) return
  const app = context.app
  book(app).attach(connection, user.user_id, context.result.authentication?.payload?.sid)
  book(app).enter(userChannel(user.user_id), connection)
  // The rows that say which chats to join also prove the memberships (and mutes) the user's next calls are
  // checked against: a client that reconnects and pages each chat with after_seq asks no "is this a member?".
  // A removal (or mute) that lands while they are read may be missing from them: its leave found this
  // connection in no chat yet. Then they are read again (a forget bumps the mark), a few times at most.
  const memberships = app.get('memberships')
  const read = () => app.get('identityLookups').membershipsOf(user.user_id)
  let mark = memberships.mark()
  let rows = await read()
  for (let retry = 0; retry < 3 && mark !== memberships.mark(); retry++) {
    mark = memberships.mark()
    rows = await read()
  }
  for (const { chat_id, muted_until } of rows) {
    memberships.rememberSince(mark, chat_id, user.user_id, muted_until)
    book(app).enter(chatChannel(chat_id), connection)
  }
  book(app).joinedAll(connection)
  await app.get('presenceTracker').connected(user.user_id, connection)
}

/** A chat as one particular member sees it: the other user of a private chat is not themself. */
const chatViewFor = (chat: Chat, userId: string): Chat => {
  if (chat.type !== 'private' || !chat.members) return chat
  const other = chat.members.find((m) => m.user_id !== userId)
  const { joined_at: _j, last_read_seq: _l, role: _r, ...otherUser } = other ?? ({} as any)
  return { ...chat, other_user: other ? otherUser : null, unread_count: 0, last_read_seq: 0 }
}

export const channels = (app: Application) => {
  // Unauthenticated connections join no channel: nothing is published to anonymous users.
  app.service('api/authentication').hooks({ after: { create: [attachConnection] } })

  // Membership changes take effect for every live connection of the users concerned, at once.
  app.service('api/chats').on('created', (chat: Chat) => {
    joinChat(app, chat.members?.map((m) => m.user_id) ?? [], chat.chat_id)
  })
  app.service('api/groups').on('created', (group: Group) => {
    joinChat(app, group.members?.map((m) => m.user_id) ?? [], group.chat_id)
  })
  app
    .service('api/groups')
    .on('removed', (group: Group) => leaveChat(app, group.member_ids ?? [], group.chat_id))
  app
    .service('api/groups/:group_id/members')
    .on('created', (member: GroupMember) => joinChat(app, [member.user_id], member.chat_id))
  app
    .service('api/groups/:group_id/members')
    .on('removed', (member: GroupMember) => leaveChat(app, [member.user_id], member.chat_id))

  // Moderation (SPEC §15): a mute or unmute takes effect at once on every instance (these listeners run for
  // synced events too): the member's cached membership, which carries the mute, is forgotten.
  for (const event of ['created', 'removed'])
    app
      .service('api/groups/:group_id/members/:member_id/mute')
      .on(event, (mute: Mute) => app.get('memberships').forget(mute.chat_id, mute.user_id))

  // Publishing rules. Nothing is published unless listed here.
  app.publish(() => undefined)
  app.service('api/auth/logout').publish(() => undefined)
  app.service('api/users').publish('patched', (user: any) => app.channel(userChannel(user.user_id)))
  // The banned user's connections as they are when the ban is announced. Publishing resolves its channel a
  // few microtasks later; by then the ban's revoked sessions (`ended`, emitted in the same tick when both
  // arrive together from another instance) may have detached those connections, and a live `users/<id>`
  // channel would be empty: the user would be disconnected without ever hearing why.
  app
    .service('api/users')
    .publish('banned', (event: any) => new Channel([...connectionsOf(app, event.user_id)]))

  // Message events, the hot path, go to the chat's Socket.IO room: encoded once per event instead of once per
  // member (Feathers publishes per connection). The room mirrors the chats/<id> channel (enter/exit above);
  // `local` because other instances deliver to their own sockets from the synced event (sync.ts).
  app.service('api/messages').publish(() => undefined)
  for (const event of ['created', 'patched', 'removed']) {
    app.service('api/messages').on(event, (message: any, context?: HookContext) => {
      if (event === 'patched' && hasReactions(message)) return // per receiver: see reactionViews below
      const io = (app as any).io
      const room = chatChannel(message.chat_id)
      if (!io?.sockets.adapter.rooms.get(room)?.size) return
      io.local.to(room).emit(`api/messages ${event}`, context?.dispatch ?? message)
      app.get('metrics')?.eventsPublished.inc({ path: 'api/messages', event })
    })
  }

  // Reactions and pins (SPEC §11, §13). A patched message with reactions carries `me`, which differs per
  // receiver: members who reacted to nothing on it share one view, each reactor gets their own (one query
  // per such event; messages without reactions keep the single room broadcast above).
  app.service('api/messages').publish('patched', async (message: any) => {
    if (!hasReactions(message)) return undefined
    const reactors = await reactorsOf(app.get('postgresqlClient'), message.message_id)
    const chat = app.channel(chatChannel(message.chat_id))
    return [
      chat.filter((c: ChatConnection) => !reactors.has(c.userId!)).send(viewReactions(message)),
      ...[...reactors].map(([userId, mine]) =>
        chat.filter((c: ChatConnection) => c.userId === userId).send(viewReactions(message, mine))
      )
    ]
  })
  const toChat = (event: any) => app.channel(chatChannel(event.chat_id))
  app.service('api/messages/:message_id/reactions').publish(toChat)
  app.service('api/chats/:chat_id/pins').publish(toChat)

  // Each member of a new private chat gets it as they see it (their own unread count, the *other* user).
  app
    .service('api/chats')
    .publish('created', (chat: Chat) =>
      (chat.members ?? []).map((m) => app.channel(userChannel(m.user_id)).send(chatViewFor(chat, m.user_id)))
    )

  const toMembers = (group: Group) => app.channel((group.members ?? []).map((m) => userChannel(m.user_id)))
  app.service('api/groups').publish('created', toMembers)
  app.service('api/groups').publish('patched', (group: Group) => app.channel(chatChannel(group.chat_id)))
  app
    .service('api/groups')
    .publish('removed', (group: Group) => app.channel((group.member_ids ?? []).map(userChannel)))
  // The member concerned hears about it too (an added user is told they were added; a removed one, removed).
  app
    .service('api/groups/:group_id/members')
    .publish((member: any) => app.channel(chatChannel(member.chat_id), userChannel(member.user_id)))

  // Outgoing webhooks (SPEC §15): a webhook's events (its disabling after a run of failures among them) go to
  // the user who created it only; a system-wide one (no creator) is announced to nobody.
  app
    .service('api/webhooks')
    .publish((webhook: any) =>
      webhook.created_by ? app.channel(userChannel(webhook.created_by)) : undefined
    )
  // Moderation (SPEC §15). Mutes go to the group's chat (clients show who is muted); reports, to the group's
  // owners and admins only (a private chat's report to nobody: the admin CLI lists those).
  app
    .service('api/groups/:group_id/members/:member_id/mute')
    .publish((mute: Mute) => app.channel(chatChannel(mute.chat_id), userChannel(mute.user_id)))
  const toModerators = async (report: any) =>
    report.group_id
      ? app.channel((await moderatorIdsOf(app.get('postgresqlClient'), report.group_id)).map(userChannel))
      : undefined
  app.service('api/messages/:message_id/reports').publish('created', toModerators)
  app.service('api/groups/:group_id/reports').publish('patched', toModerators)

  // The reader's own connections get their new counts too (to update their badges); the others the pointer.
  app.service('api/chats/:chat_id/mark-read').publish('read', (receipt: ReadReceipt) => {
    const chat = app.channel(chatChannel(receipt.chat_id))
    const { chat_id, user_id, last_read_seq } = receipt
    return [
      chat.filter((c: ChatConnection) => c.userId === user_id).send(receipt),
      chat.filter((c: ChatConnection) => c.userId !== user_id).send({ chat_id, user_id, last_read_seq })
    ]
  })
  // Typing goes to the other members only: never back to the typist's own connections.
  const othersInChat = (event: TypingEvent) =>
    app.channel(chatChannel(event.chat_id)).filter((c: ChatConnection) => c.userId !== event.user_id)
  app.service('api/chats/:chat_id/typing').publish('typing_start', othersInChat)
  app.service('api/chats/:chat_id/typing').publish('typing_stop', othersInChat)

  // Presence goes to users who share a chat with that user (and the user's own other connections). Their
  // chats are the channels a connection of theirs here joined (kept current by the membership events above);
  // only a user with no connection here (offline, or online elsewhere) costs a lookup (batched per tick).
  app.service('api/users/status').publish('user_status', async (status: UserStatus): Promise<Channel> => {
    const chatIds =
      book(app).chatsOfUser(connectionsOf(app, status.user_id)) ??
      (await app.get('identityLookups').chatIdsOf(status.user_id))
    return app.channel([userChannel(status.user_id), ...chatIds.map(chatChannel)])
  })
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/client.html
import { feathers } from '@feathersjs/feathers'
import type { TransportConnection, Application } from '@feathersjs/feathers'
import { Unavailable } from '@feathersjs/errors'
import authenticationClient from '@feathersjs/authentication-client'
import type { AuthenticationClientOptions } from '@feathersjs/authentication-client'
import { userClient } from './services/users/users.shared'
import { profileClient } from './services/users/profile/profile.shared'
import { userSearchClient } from './services/users/search/search.shared'
import { statusClient } from './services/users/status/status.shared'
import { registerClient } from './services/auth/register/register.shared'
import { loginClient } from './services/auth/login/login.shared'
import { refreshClient } from './services/auth/refresh/refresh.shared'
import { logoutClient } from './services/auth/logout/logout.shared'
import { messageClient } from './services/messages/messages.shared'
import { chatClient } from './services/chats/chats.shared'
import { privateChatClient } from './services/chats/private/private.shared'
import { chatMessageClient } from './services/chats/messages/messages.shared'
import { messageSearchClient } from './services/chats/search/search.shared'
import { globalMessageSearchClient } from './services/search/messages/messages.shared'
import { markReadClient } from './services/chats/mark-read/mark-read.shared'
import { typingClient } from './services/chats/typing/typing.shared'
import { groupClient } from './services/groups/groups.shared'
import { groupMemberClient } from './services/groups/members/members.shared'
import { leaveGroupClient } from './services/groups/leave/leave.shared'
import { uploadClient } from './services/uploads/uploads.shared'
import { fileClient } from './services/files/files.shared'
import { threadClient } from './services/messages/thread/thread.shared'
import { mentionClient } from './services/mentions/mentions.shared'
import { reactionClient } from './services/messages/reactions/reactions.shared'
import { messageEditClient } from './services/messages/edits/edits.shared'
import { pinClient } from './services/chats/pins/pins.shared'
// Incoming webhooks (SPEC §15)
import { incomingWebhookClient } from './services/incoming-webhooks/incoming-webhooks.shared'
import { hookPostClient } from './services/incoming-webhooks/posts/hook-posts.shared'
// Outgoing webhooks (SPEC §15)
import { webhookClient } from './services/webhooks/webhooks.shared'
import { webhookDeliveryClient } from './services/webhooks/deliveries/deliveries.shared'
// Moderation (SPEC §15)
import { messageReportClient } from './services/messages/reports/reports.shared'
import { groupReportClient } from './services/groups/reports/reports.shared'
import { muteClient } from './services/groups/mute/mute.shared'
import { groupBanClient } from './services/groups/bans/bans.shared'
// Bots (SPEC §15)
import { botClient } from './services/bots/bots.shared'

export type {
  PublicUser,
  User,
  UserClientFindQuery,
  UserFindPage,
  UserQuery
} from './services/users/users.shared'
export type { ProfileData } from './services/users/profile/profile.shared'
export type { UserSearchQuery } from './services/users/search/search.shared'
export type { StatusData, UserStatus } from './services/users/status/status.shared'
export type { RegisterData } from './services/auth/register/register.shared'
export type { LoginData, TokenPair } from './services/auth/login/login.shared'
export type { RefreshData } from './services/auth/refresh/refresh.shared'
export type { LogoutData, LogoutResult } from './services/auth/logout/logout.shared'
export type { Message, MessagePatch } from './services/messages/messages.shared'
export type { Chat, ChatQuery } from './services/chats/chats.shared'
export type { PrivateChatData } from './services/chats/private/private.shared'
export type { MessageData, MessagePage, MessageQuery } from './services/chats/messages/messages.shared'
export type {
  MessageSearchHit,
  MessageSearchPage,
  MessageSearchQuery
} from './services/chats/search/search.shared'
export type { MarkReadData, ReadReceipt } from './services/chats/mark-read/mark-read.shared'
export type { TypingData, TypingEvent } from './services/chats/typing/typing.shared'
export type { Group, GroupData, GroupPatch } from './services/groups/groups.shared'
export type { GroupMember, GroupMemberData } from './services/groups/members/members.shared'
export type { UploadData } from './services/uploads/uploads.shared'
export type { FileRecord } from './services/files/files.shared'
export type { ThreadQuery } from './services/messages/thread/thread.shared'
export type { MentionPage, MentionQuery } from './services/mentions/mentions.shared'
export type {
  ReactionData,
  ReactionEvent,
  ReactionSummary
} from './services/messages/reactions/reactions.shared'
export type { MessageEdit } from './services/messages/edits/edits.shared'
export type { Pin, PinData, PinPage, PinQuery } from './services/chats/pins/pins.shared'
export type {
  CreatedIncomingWebhook,
  IncomingWebhook,
  IncomingWebhookData,
  IncomingWebhookPage,
  IncomingWebhookQuery
} from './services/incoming-webhooks/incoming-webhooks.shared'
export type { HookPostData } from './services/incoming-webhooks/posts/hook-posts.shared'
// Outgoing webhooks (SPEC §15)
export type {
  CreatedWebhook,
  WebhookData,
  WebhookPatch,
  WebhookQuery,
  WebhookRecord
} from './services/webhooks/webhooks.shared'
export type {
  DeliveryAttempt,
  DeliveryPage,
  DeliveryQuery
} from './services/webhooks/deliveries/deliveries.shared'
// Moderation (SPEC §15)
export type { Report, ReportData } from './services/messages/reports/reports.shared'
export type { ReportPage, ReportPatch, ReportQuery } from './services/groups/reports/reports.shared'
export type { Mute, MuteData } from './services/groups/mute/mute.shared'
export type { GroupBan, GroupBanPage, GroupBanQuery } from './services/groups/bans/bans.shared'
// Bots (SPEC §15)
export type { Bot, BotData, BotPage, BotQuery, BotWithToken } from './services/bots/bots.shared'

export interface Configuration {
  connection: TransportConnection<ServiceTypes>
}

// Extended by every service's `.shared.ts`
export interface ServiceTypes {}

export type ClientApplication = Application<ServiceTypes, Configuration>

/** What this file uses of a socket.io-client `Socket` (typed here: REST-only clients need no socket.io-client). */
interface ClientSocket {
  connected: boolean
  /** False once the socket will not connect again by itself: the server or the app closed it. */
  active: boolean
  on(event: 'connect' | 'disconnect', listener: (reason?: string) => void): unknown
  off(event: 'disconnect', listener: (reason?: string) => void): unknown
}

/**
 * Socket.IO calls that can never be answered fail instead of waiting forever:
 *  - a call sent before a disconnect: the server answers on the connection it came from, and socket.io-client
 *    drops the answer handler of a plain callback (Feathers' kind) when that connection closes, silently;
 *  - a call made once the server closed the connection (`io server disconnect`: a ban, a shutdown) or the app
 *    did (`socket.disconnect()`): socket.io-client would keep it until `socket.connect()`, which may never come.
 * Both reject with a 503 `Unavailable` whose `data.reason` is the disconnect reason. While the socket is only
 * reconnecting (a lost transport), calls wait for the new connection as before.
 */
const failWhenClosed =
  (socket: ClientSocket, closedBecause: () => string | undefined) =>
  async (context: { method: string; path: string }, next: () => Promise<void>) => {
    const call = `${context.method} on ${context.path}`
    const reason = closedBecause()
    // Only after a disconnect: a socket not connected yet (`autoConnect: false`) still sends calls when it does.
    if (reason && !socket.connected && !socket.active) {
      throw new Unavailable(`The connection is closed (${reason}): ${call} was not sent`, { reason })
    }
    let onDisconnect!: (reason?: string) => void
    const cutOff = new Promise<never>((_resolve, reject) => {
      onDisconnect = (reason = 'disconnect') =>
        reject(new Unavailable(`The connection closed (${reason}) before ${call} was answered`, { reason }))
    })
    socket.on('disconnect', onDisconnect)
    try {
      await Promise.race([next(), cutOff])
    } finally {
      socket.off('disconnect', onDisconnect)
    }
  }

/**
 * The authentication client re-authenticates on every disconnect and does not catch that call's failure; after
 * the server closed the socket it fails at once (above). It is caught here, so it is no unhandled rejection. If the app opens the socket again
 * (`socket.connect()`), the client re-authenticates then, as the buffered call used to.
 */
const reauthenticateOnReopen = (client: ClientApplication, socket: ClientSocket) => {
  let reopen = false
  socket.on('disconnect', () => {
    // Marked as handled only: whoever awaits it still sees its outcome.
    Promise.resolve(client.get('authentication' as any)).catch(() => undefined)
    if (!socket.active) reopen ||= client.authentication.authenticated
  })
  socket.on('connect', () => {
    if (!reopen) return
    reopen = false
    if (!client.authentication.authenticated) client.reAuthenticate(true).catch(() => undefined)
  })
}

/**
 * Returns a typed client for the chat backend.
 *
 * Over Socket.IO a call fails (503 `Unavailable`, `data.reason` = the disconnect reason) instead of hanging when
 * its connection closes before the answer, and at once when the socket is closed for good (`io server
 * disconnect`, e.g. after the `api/users` `banned` event, which arrives first; or `socket.disconnect()`).
 * After a lost transport calls wait for the reconnect, as socket.io-client does.
 *
 * @param connection The REST or Socket.io Feathers client connection
 * @param authenticationOptions Additional settings for the authentication client
 * @see https://dove.feathersjs.com/api/client.html
 * @returns The Feathers client application
 */
export const createClient = (
  connection: TransportConnection<ServiceTypes>,
  authenticationOptions: Partial<AuthenticationClientOptions> = {}
) => {
  const client: ClientApplication = feathers()

  client.configure(connection)
  // `@feathersjs/socketio-client` puts its socket on `io`. Registered before the authentication client's own
  // hooks, so this runs first: a call on a closed socket must not wait for a re-authentication that cannot come.
  const socket: ClientSocket | undefined = (client as any).io
  let closedBecause: string | undefined
  if (socket) {
    socket.on('disconnect', (reason) => (closedBecause = reason ?? 'disconnect'))
    socket.on('connect', () => (closedBecause = undefined))
    client.hooks({ around: { all: [failWhenClosed(socket, () => closedBecause)] } })
  }
  client.configure(authenticationClient({ path: 'api/authentication', ...authenticationOptions }))
  if (socket) reauthenticateOnReopen(client, socket)
  client.set('connection', connection)

  client.configure(userClient)
  client.configure(profileClient)
  client.configure(userSearchClient)
  client.configure(statusClient)
  client.configure(registerClient)
  client.configure(loginClient)
  client.configure(refreshClient)
  client.configure(logoutClient)
  client.configure(messageClient)
  client.configure(chatClient)
  client.configure(privateChatClient)
  client.configure(chatMessageClient)
  client.configure(messageSearchClient)
  client.configure(globalMessageSearchClient)
  client.configure(markReadClient)
  client.configure(typingClient)
  client.configure(groupClient)
  client.configure(groupMemberClient)
  client.configure(leaveGroupClient)
  client.configure(uploadClient)
  client.configure(fileClient)
  client.configure(threadClient)
  client.configure(mentionClient)
  client.configure(reactionClient)
  client.configure(messageEditClient)
  client.configure(pinClient)
  client.configure(incomingWebhookClient)
  client.configure(hookPostClient)
  // Outgoing webhooks (SPEC §15)
  client.configure(webhookClient)
  client.configure(webhookDeliveryClient)
  // Moderation (SPEC §15)
  client.configure(messageReportClient)
  client.configure(groupReportClient)
  client.configure(muteClient)
  client.configure(groupBanClient)
  client.configure(botClient) // Bots (SPEC §15)
  return client
}

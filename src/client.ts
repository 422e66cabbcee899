// For more information about this file see https://dove.feathersjs.com/guides/cli/client.html
import { feathers } from '@feathersjs/feathers'
import type { TransportConnection, Application } from '@feathersjs/feathers'
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

export interface Configuration {
  connection: TransportConnection<ServiceTypes>
}

// Extended by every service's `.shared.ts`
export interface ServiceTypes {}

export type ClientApplication = Application<ServiceTypes, Configuration>

/**
 * Returns a typed client for the chat backend.
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
  client.configure(authenticationClient({ path: 'api/authentication', ...authenticationOptions }))
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
  return client
}

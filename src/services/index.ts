// For more information about this file see https://dove.feathersjs.com/guides/cli/application.html#configure-functions
import type { Application } from '../declarations'
import { user } from './users/users'
import { profile } from './users/profile/profile'
import { userSearch } from './users/search/search'
import { status } from './users/status/status'
import { register } from './auth/register/register'
import { login } from './auth/login/login'
import { refresh } from './auth/refresh/refresh'
import { logout } from './auth/logout/logout'
import { message } from './messages/messages'
import { chat } from './chats/chats'
import { privateChat } from './chats/private/private'
import { chatMessages } from './chats/messages/messages'
import { messageSearch } from './chats/search/search'
import { globalMessageSearch } from './search/messages/messages'
import { markRead } from './chats/mark-read/mark-read'
import { typing } from './chats/typing/typing'
import { group } from './groups/groups'
import { groupMembers } from './groups/members/members'
import { leaveGroup } from './groups/leave/leave'
import { upload } from './uploads/uploads'
import { file } from './files/files'
import { fileContent } from './files/content/content'
import { thread } from './messages/thread/thread'
import { mention } from './mentions/mentions'
// Reactions, pins, edit history (SPEC §11, §13)
import { reaction } from './messages/reactions/reactions'
import { messageEdits } from './messages/edits/edits'
import { pin } from './chats/pins/pins'
// Incoming webhooks (SPEC §15)
import { incomingWebhooks } from './incoming-webhooks/incoming-webhooks'
import { hookPosts } from './incoming-webhooks/posts/hook-posts'
// Outgoing webhooks (SPEC §15)
import { webhooks } from './webhooks/webhooks'
// Moderation: reports, mutes, group bans (SPEC §15)
import { messageReports } from './messages/reports/reports'
import { groupReports } from './groups/reports/reports'
import { mute } from './groups/mute/mute'
import { groupBans } from './groups/bans/bans'
// Bots (SPEC §15)
import { bot } from './bots/bots'

export const services = (app: Application) => {
  app.configure(user)
  app.configure(profile)
  app.configure(userSearch)
  app.configure(status)
  app.configure(register)
  app.configure(login)
  app.configure(refresh)
  app.configure(logout)
  app.configure(message)
  app.configure(chat)
  app.configure(privateChat)
  app.configure(chatMessages)
  app.configure(messageSearch)
  app.configure(globalMessageSearch)
  app.configure(markRead)
  app.configure(typing)
  app.configure(group)
  app.configure(groupMembers)
  app.configure(leaveGroup)
  app.configure(upload)
  app.configure(file)
  app.configure(fileContent)
  app.configure(thread)
  app.configure(mention)
  app.configure(reaction)
  app.configure(messageEdits)
  app.configure(pin)
  app.configure(incomingWebhooks)
  app.configure(hookPosts)
  // Outgoing webhooks (SPEC §15)
  app.configure(webhooks)
  // Moderation (SPEC §15)
  app.configure(messageReports)
  app.configure(groupReports)
  app.configure(mute)
  app.configure(groupBans)
  app.configure(bot) // Bots (SPEC §15)
  // All services will be registered here
}

// The route table behind the OpenAPI document: one entry per REST operation. Request bodies and query strings
// are the services' own TypeBox schemas (the ones their validation hooks use), and so are the responses.
// test/docs.test.ts fails when a service registered on the app, or a route in README's API tables, is missing.
// One file per tag; this file puts them together in the order of the document.
import { accountsRoutes } from './accounts'
import { usersRoutes } from './users'
import { chatsRoutes } from './chats'
import { messagesRoutes } from './messages'
import { threadsMentionsRoutes } from './threads-mentions'
import { reactionsPinsRoutes } from './reactions-pins'
import { groupsRoutes } from './groups'
import { filesRoutes } from './files'
import { operationsRoutes } from './operations'
import { incomingWebhooksRoutes } from './incoming-webhooks'
// Outgoing webhooks (SPEC §15)
import { webhooksRoutes } from './webhooks'
// Moderation (SPEC §15)
import { moderationRoutes } from './moderation'
// Bots (SPEC §15)
import { botsRoutes } from './bots'
import type { RouteDoc } from './types'

export type { Auth, HttpMethod, ResponseDoc, RouteDoc } from './types'

export const tags = [
  { name: 'accounts', description: 'Registration, login, tokens and sessions' },
  { name: 'users', description: 'Profiles, search and presence' },
  { name: 'chats', description: 'Chats, read pointers and typing' },
  { name: 'messages', description: 'History, sending, search, editing and deleting' },
  { name: 'groups', description: 'Groups and their members' },
  { name: 'files', description: 'Uploads and file content' },
  // Bots, webhooks, moderation (SPEC §15)
  { name: 'bots', description: 'Bot accounts and their API tokens' },
  { name: 'webhooks', description: 'Outgoing webhooks (signed deliveries, their log) and incoming webhooks' },
  { name: 'moderation', description: 'Reports, mutes and group bans' },
  { name: 'operations', description: 'Health and metrics' }
]

export const routes: RouteDoc[] = [
  ...accountsRoutes,
  ...usersRoutes,
  ...chatsRoutes,
  ...messagesRoutes,
  ...threadsMentionsRoutes,
  ...reactionsPinsRoutes,
  ...groupsRoutes,
  ...filesRoutes,
  // Bots, webhooks, moderation (SPEC §15)
  ...botsRoutes,
  ...webhooksRoutes,
  ...incomingWebhooksRoutes,
  ...moderationRoutes,
  ...operationsRoutes
]

// The thread and mention routes of the OpenAPI document (see ./index.ts; SPEC §10, §12).
import { messagePageSchema } from '../../services/messages/messages.schema'
import { threadQuerySchema } from '../../services/messages/thread/thread.schema'
import { mentionPageSchema, mentionQuerySchema } from '../../services/mentions/mentions.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

export const threadsMentionsRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/messages/{message_id}/thread',
    tag: 'messages',
    summary: 'The replies of a thread',
    description:
      'Replies are sent with `thread_root_id` (`POST /api/chats/{chat_id}/messages`). Newest first by ' +
      'default and with `before=<message_id>` (a reply); oldest first with `after_seq=<n>` (0: from the ' +
      'first). `limit` default 50, at most 100. Members of the chat only.',
    feathers: { service: 'api/messages/:message_id/thread', method: 'find' },
    auth: 'bearer',
    query: threadQuerySchema,
    responses: {
      200: json(
        messagePageSchema,
        { data: [ex.exampleThreadReply], limit: 50, has_more: false, order: 'asc' },
        'A page of replies'
      )
    },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/mentions',
    tag: 'messages',
    summary: 'Messages that mention me',
    description:
      'Across the chats I am in (not ones I left), by my user id or `all`, newest first; deleted messages ' +
      'never. Page back with `before=<message_id>` (the last of the page). `limit` default 50, at most 100.',
    feathers: { service: 'api/mentions', method: 'find' },
    auth: 'bearer',
    query: mentionQuerySchema,
    responses: {
      200: json(mentionPageSchema, { data: [ex.exampleThreadReply], limit: 50, has_more: false }, 'A page')
    }
  }
]

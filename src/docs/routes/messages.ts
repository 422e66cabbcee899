// The messages routes of the OpenAPI document (see ./index.ts).
import {
  messageDataSchema,
  messagePageSchema,
  messagePatchSchema,
  messageQuerySchema,
  messageSchema
} from '../../services/messages/messages.schema'
import {
  messageSearchPageSchema,
  messageSearchQuerySchema
} from '../../services/search/messages/messages.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const searchDescription =
  'Exact words rank first (3), then English word forms (2: "run" finds "running", "foxes" finds "fox"), then ' +
  'prefixes and text inside words (1: "deplo" finds "deployment"; a CJK query of any length, even 1 or 2 ' +
  'characters, finds text written without spaces); recent first within a rank. `q` keeps web-search syntax ' +
  'for exact and word-form matches (`"phrases"`, `or`, `-not`). Filters: `from=<user_id>`, `has=file`, ' +
  '`after=` / `before=` (ISO 8601 date-times). `highlights` are `[start, end)` UTF-16 offsets into `content`. ' +
  'Deleted messages never match. Page: `limit` (default 20, at most 50) and `skip` (the cursor: ask again with ' +
  '`skip` + `limit` while `has_more`).'
const exampleSearchPage = {
  data: [{ ...ex.exampleMessage, rank: 3, highlights: [[7, 12]] }],
  limit: 20,
  skip: 0,
  has_more: false
}

export const messagesRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/chats/{chat_id}/messages',
    tag: 'messages',
    summary: 'Message history',
    description:
      'Newest first by default (`limit` default 50, at most 100) and with `before=<message_id>`; oldest ' +
      'first with `after=<message_id>` or `after_seq=<n>` (catching up after a reconnect: page until ' +
      '`has_more` is false). Keyset pagination on `seq`. `thread=none`: top-level messages only (without it, ' +
      'thread replies are included).',
    feathers: { service: 'api/chats/:chat_id/messages', method: 'find' },
    auth: 'bearer',
    query: messageQuerySchema,
    responses: {
      200: json(
        messagePageSchema,
        { data: [ex.exampleMessage], limit: 50, has_more: false, order: 'desc' },
        'A page of messages'
      )
    },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/chats/{chat_id}/messages',
    tag: 'messages',
    summary: 'Send a message',
    description:
      'Gets the next `seq` of the chat. A repeated `client_id` (a retry) returns the original with 200. ' +
      'Attachments: upload first (`POST /api/uploads`, purpose `message`), then send with `file_id` and ' +
      '`type` `image` or `file`. Members get `created` on `api/messages`. Rate-limited per user. ' +
      '`thread_root_id`: a reply in the thread of a top-level message of this chat (its root is announced ' +
      'as `patched` with the new `thread` summary). `mentions`: member user ids, or `all` (group owners and ' +
      'admins only: 403 otherwise), at most 50.',
    feathers: { service: 'api/chats/:chat_id/messages', method: 'create' },
    auth: 'bearer',
    body: { schema: messageDataSchema, example: { content: 'Hello, Grace!', client_id: 'c-5f0e2a' } },
    responses: {
      201: json(messageSchema, ex.exampleMessage, 'Sent'),
      200: json(messageSchema, ex.exampleMessage, 'A retry: the message sent before with this `client_id`')
    },
    errors: [404, 429]
  },
  {
    method: 'get',
    path: '/api/chats/{chat_id}/messages/search',
    tag: 'messages',
    summary: 'Search in a chat',
    description: `Members only. ${searchDescription}`,
    feathers: { service: 'api/chats/:chat_id/messages/search', method: 'find' },
    auth: 'bearer',
    query: messageSearchQuerySchema,
    responses: { 200: json(messageSearchPageSchema, exampleSearchPage, 'Ranked hits') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/search/messages',
    tag: 'messages',
    summary: 'Search in all my chats',
    description: `Every chat I am a member of at the time of the query (a chat I left is not searched). ${searchDescription}`,
    feathers: { service: 'api/search/messages', method: 'find' },
    auth: 'bearer',
    query: messageSearchQuerySchema,
    responses: { 200: json(messageSearchPageSchema, exampleSearchPage, 'Ranked hits') }
  },
  {
    method: 'get',
    path: '/api/messages/{message_id}',
    tag: 'messages',
    summary: 'One message',
    feathers: { service: 'api/messages', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(messageSchema, ex.exampleImageMessage, 'The message') },
    errors: [404]
  },
  ...(['put', 'patch'] as const).map((method): RouteDoc => ({
    method,
    path: '/api/messages/{message_id}',
    tag: 'messages',
    summary: 'Edit my message',
    description:
      'The sender only. Sets `edited_at`; members get `patched` on `api/messages`. `mentions`, if given, ' +
      'replaces the mentions (same rules as sending).',
    feathers: { service: 'api/messages', method: method === 'put' ? 'update' : 'patch' },
    auth: 'bearer',
    body: { schema: messagePatchSchema, example: { content: 'Hello again, Grace!' } },
    responses: {
      200: json(messageSchema, ex.exampleEdited)
    },
    errors: [403, 404]
  })),
  {
    method: 'delete',
    path: '/api/messages/{message_id}',
    tag: 'messages',
    summary: 'Delete a message',
    description:
      'The sender, or an owner or admin of the group. A tombstone: `content` emptied, `deleted_at` set, ' +
      '`seq` kept. Members get `removed` on `api/messages`.',
    feathers: { service: 'api/messages', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(messageSchema, ex.exampleTombstone, 'The tombstone') },
    errors: [403, 404]
  }
]

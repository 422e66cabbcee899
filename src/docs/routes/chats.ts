// The chats routes of the OpenAPI document (see ./index.ts).
import {
  chatPageSchema,
  chatQuerySchema,
  chatSchema,
  markReadDataSchema,
  privateChatDataSchema,
  readReceiptSchema,
  typingDataSchema,
  typingResultSchema
} from '../../services/chats/chats.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

export const chatsRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/chats',
    tag: 'chats',
    summary: 'My chats, latest activity first',
    description:
      'Each with `last_message`, `unread_count`, `last_read_seq`, and `other_user` (private) or `group`. ' +
      'Paginated with `$limit` (default 20, at most 100) and `$skip`; `has_more` says whether another page exists ' +
      '(there is no `total`).',
    feathers: { service: 'api/chats', method: 'find' },
    auth: 'bearer',
    query: chatQuerySchema,
    responses: {
      200: json(
        chatPageSchema,
        { data: [ex.examplePrivateChat], limit: 20, skip: 0, has_more: false },
        'A page of chats'
      )
    }
  },
  {
    method: 'get',
    path: '/api/chats/{chat_id}',
    tag: 'chats',
    summary: 'One chat with its members',
    feathers: { service: 'api/chats', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(chatSchema, ex.exampleChatWithMembers, 'The chat') },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/chats/private',
    tag: 'chats',
    summary: 'Open the private chat with a user',
    description: 'There is one private chat per pair of users: 201 when it is created, 200 when it existed.',
    feathers: { service: 'api/chats/private', method: 'create' },
    auth: 'bearer',
    body: { schema: privateChatDataSchema, example: { user_id: ex.exampleIds.grace } },
    responses: {
      201: json(chatSchema, ex.examplePrivateChat, 'Created'),
      200: json(chatSchema, ex.examplePrivateChat, 'It already existed')
    },
    errors: [404]
  },
  {
    method: 'put',
    path: '/api/chats/{chat_id}/mark-read',
    tag: 'chats',
    summary: 'Move my read pointer',
    description:
      'To `message_id`, or to the latest message when absent. The pointer only moves forward; members get a ' +
      '`read` event. Answers my new `unread_count` and `mention_count`.',
    feathers: { service: 'api/chats/:chat_id/mark-read', method: 'update' },
    auth: 'bearer',
    body: { schema: markReadDataSchema, required: false, example: { message_id: ex.exampleIds.message } },
    responses: {
      200: json(readReceiptSchema, {
        chat_id: ex.exampleIds.privateChat,
        user_id: ex.exampleIds.ada,
        last_read_seq: 42,
        unread_count: 0,
        mention_count: 0
      })
    },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/chats/{chat_id}/typing',
    tag: 'chats',
    summary: 'Typing indicator',
    description:
      '`typing: true` sends `typing_start` to the other members, `false` sends `typing_stop`; a typing state ' +
      'ends by itself 5 s after the last `true`.',
    feathers: { service: 'api/chats/:chat_id/typing', method: 'create' },
    auth: 'bearer',
    body: { schema: typingDataSchema, example: { typing: true } },
    responses: {
      200: json(typingResultSchema, {
        chat_id: ex.exampleIds.privateChat,
        user_id: ex.exampleIds.ada,
        typing: true
      })
    },
    errors: [404]
  }
]

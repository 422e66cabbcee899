// The reactions, pins and edit history routes of the OpenAPI document (see ./index.ts).

import {
  reactionDataSchema,
  reactionEventSchema,
  reactionListSchema
} from '../../services/messages/reactions/reactions.schema'
import { messageEditListSchema } from '../../services/messages/edits/edits.schema'
import {
  pinDataSchema,
  pinPageSchema,
  pinQuerySchema,
  pinSchema
} from '../../services/chats/pins/pins.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const reaction = {
  chat_id: ex.exampleMessage.chat_id,
  message_id: ex.exampleMessage.message_id,
  emoji: '👍',
  user_id: ex.exampleMessage.sender_id,
  count: 2
}
const pin = {
  chat_id: ex.exampleMessage.chat_id,
  message_id: ex.exampleMessage.message_id,
  pinned_at: ex.exampleMessage.created_at,
  pinned_by: ex.exampleMessage.sender_id
}

export const reactionsPinsRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/messages/{message_id}/reactions',
    tag: 'messages',
    summary: 'Reactions to a message',
    description: 'Each emoji with its count, the first 50 users who used it and whether I did. Members only.',
    feathers: { service: 'api/messages/:message_id/reactions', method: 'find' },
    auth: 'bearer',
    responses: {
      200: json(
        reactionListSchema,
        [{ emoji: '👍', count: 2, user_ids: [reaction.user_id], me: true }],
        'Reactions'
      )
    },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/messages/{message_id}/reactions',
    tag: 'messages',
    summary: 'React to a message',
    description:
      '`emoji`: one emoji (a single grapheme: skin tones, ZWJ sequences, flags, keycaps) or `:shortcode:` ' +
      '(`[a-z0-9_+-]{1,32}`). At most 50 different emoji per message. Not on deleted messages. Members get ' +
      '`created` on `api/messages/:message_id/reactions`.',
    feathers: { service: 'api/messages/:message_id/reactions', method: 'create' },
    auth: 'bearer',
    body: { schema: reactionDataSchema, example: { emoji: '👍' } },
    responses: {
      201: json(reactionEventSchema, reaction, 'Reacted'),
      200: json(reactionEventSchema, reaction, 'I had already reacted with it')
    },
    errors: [404]
  },
  {
    method: 'delete',
    path: '/api/messages/{message_id}/reactions/{emoji}',
    tag: 'messages',
    summary: 'Take back my reaction',
    description:
      'Members get `removed` on `api/messages/:message_id/reactions` (none if there was no such reaction).',
    feathers: { service: 'api/messages/:message_id/reactions', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(reactionEventSchema, { ...reaction, count: 1 }, 'Removed') },
    errors: [400, 404]
  },
  {
    method: 'get',
    path: '/api/messages/{message_id}/edits',
    tag: 'messages',
    summary: 'Edit history of a message',
    description: 'The contents each edit replaced, oldest first, with the time of that edit. Members only.',
    feathers: { service: 'api/messages/:message_id/edits', method: 'find' },
    auth: 'bearer',
    responses: {
      200: json(
        messageEditListSchema,
        [{ content: 'Helo, Grace!', edited_at: ex.exampleMessage.created_at }],
        'Earlier versions'
      )
    },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/chats/{chat_id}/pins',
    tag: 'chats',
    summary: 'Pinned messages',
    description:
      'Newest pin first; `before=<message_id>` of the last pin of the previous page. Members only.',
    feathers: { service: 'api/chats/:chat_id/pins', method: 'find' },
    auth: 'bearer',
    query: pinQuerySchema,
    responses: {
      200: json(
        pinPageSchema,
        { data: [{ ...ex.exampleMessage, ...pin }], limit: 50, has_more: false },
        'A page of pins'
      )
    },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/chats/{chat_id}/pins',
    tag: 'chats',
    summary: 'Pin a message',
    description:
      'Private chat: either member; group: owner and admins (403 for members). A message of this chat, not ' +
      'deleted; at most 100 pins per chat. Members get `created` on `api/chats/:chat_id/pins`.',
    feathers: { service: 'api/chats/:chat_id/pins', method: 'create' },
    auth: 'bearer',
    body: { schema: pinDataSchema, example: { message_id: pin.message_id } },
    responses: { 201: json(pinSchema, pin, 'Pinned'), 200: json(pinSchema, pin, 'Already pinned') },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/chats/{chat_id}/pins/{message_id}',
    tag: 'chats',
    summary: 'Unpin a message',
    description: 'Same rights as pinning. Members get `removed` on `api/chats/:chat_id/pins`.',
    feathers: { service: 'api/chats/:chat_id/pins', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(pinSchema, pin, 'Unpinned (the pin it had)') },
    errors: [400, 403, 404]
  }
]

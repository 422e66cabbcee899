// The bot routes of the OpenAPI document (SPEC §15; see ./index.ts).
import { Type } from '@feathersjs/typebox'
import {
  botDataSchema,
  botPageSchema,
  botQuerySchema,
  botWithTokenSchema
} from '../../services/bots/bots.schema'
import { publicUserSchema } from '../../services/users/users.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const bot = {
  ...ex.exampleOtherUser,
  user_id: '01J9ZB0T5Q8R3W2X1Y0Z9A8B7C',
  name: 'Deploy Bot',
  bio: null,
  status: 'offline',
  last_seen: null,
  is_bot: true
}
const withToken = { bot, token: 'fcb_3q2-7wEXAMPLEtokenEXAMPLEtokenEXAMPLEtoken0' }

export const botsRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/bots',
    tag: 'bots',
    summary: 'Make a bot',
    description:
      'A bot user owned by me, and its API token, shown only in this answer (stored hashed). The bot sends it ' +
      'as `Authorization: Bearer <token>` on REST, or authenticates a socket with ' +
      "`{strategy: 'jwt', accessToken: <token>}`; it then acts as a user (groups, private chats, messages, " +
      'reactions, the same rate limits) but never logs in with a password. At most `BOTS_MAX_PER_OWNER` ' +
      '(20) bots per owner (403 past it); a bot cannot make bots (403).',
    feathers: { service: 'api/bots', method: 'create' },
    auth: 'bearer',
    body: { schema: botDataSchema, example: { name: 'Deploy Bot' } },
    responses: { 201: json(botWithTokenSchema, withToken, 'The bot and its token') },
    errors: [403]
  },
  {
    method: 'get',
    path: '/api/bots',
    tag: 'bots',
    summary: 'My bots',
    description: 'The bots I own (never their tokens), oldest first; `$limit` (≤ 100, default 50), `$skip`.',
    feathers: { service: 'api/bots', method: 'find' },
    auth: 'bearer',
    query: botQuerySchema,
    responses: { 200: json(botPageSchema, { data: [bot], limit: 50, skip: 0, has_more: false }, 'My bots') },
    errors: [403]
  },
  {
    method: 'delete',
    path: '/api/bots/{bot_id}',
    tag: 'bots',
    summary: 'Delete a bot',
    description:
      'Owner only (anyone else: 404). Its token stops working at once and its sockets are closed, on every ' +
      'instance. The bot user stays, disabled (banned), so its messages keep their sender.',
    feathers: { service: 'api/bots', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(publicUserSchema, bot, 'The deleted bot') },
    errors: [403, 404]
  },
  {
    method: 'post',
    path: '/api/bots/{bot_id}/token',
    tag: 'bots',
    summary: "Rotate a bot's token",
    description:
      'Owner only (anyone else: 404). A new token, shown only in this answer; the old one stops working at ' +
      'once (its REST calls get 401, its sockets stop hearing events), on every instance.',
    feathers: { service: 'api/bots/:bot_id/token', method: 'create' },
    auth: 'bearer',
    body: { schema: Type.Object({}, { additionalProperties: false }), required: false, example: {} },
    responses: { 201: json(botWithTokenSchema, withToken, 'The bot and its new token') },
    errors: [403, 404]
  }
]

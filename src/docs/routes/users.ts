// The users routes of the OpenAPI document (see ./index.ts).
import { profileDataSchema } from '../../services/users/profile/profile.schema'
import { userSearchQuerySchema } from '../../services/users/search/search.schema'
import { statusDataSchema, userStatusSchema } from '../../services/users/status/status.schema'
import {
  publicUserPageSchema,
  publicUserSchema,
  userClientFindQuerySchema
} from '../../services/users/users.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

export const usersRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/users/profile',
    tag: 'users',
    summary: 'My profile',
    feathers: { service: 'api/users/profile', method: 'find' },
    auth: 'bearer',
    responses: { 200: json(publicUserSchema, ex.exampleUser, 'My user, with my email') }
  },
  ...(['put', 'patch'] as const).map((method): RouteDoc => ({
    method,
    path: '/api/users/profile',
    tag: 'users',
    summary: 'Change my profile',
    description: 'Only `name`, `avatar_url` and `bio`; any other field is refused with its name.',
    feathers: { service: 'api/users/profile', method: method === 'put' ? 'update' : 'patch' },
    auth: 'bearer',
    body: { schema: profileDataSchema, example: { name: 'Ada King', bio: 'Countess of Lovelace' } },
    responses: { 200: json(publicUserSchema, ex.exampleUser, 'My updated user') }
  })),
  {
    method: 'get',
    path: '/api/users',
    tag: 'users',
    summary: 'Look users up by id',
    description:
      'Known ids only (`user_id`, or `user_id[$in][]` for up to 100), paginated; `user_id` is required. ' +
      'No email filter (emails are hidden: a filter on them would confirm them) and no listing of everyone. ' +
      'Emails are shown only on your own record. For search boxes use `/api/users/search`.',
    feathers: { service: 'api/users', method: 'find' },
    auth: 'bearer',
    query: userClientFindQuerySchema,
    responses: {
      200: json(
        publicUserPageSchema,
        { data: [ex.exampleOtherUser], limit: 10, skip: 0, has_more: false },
        'A page of users'
      )
    }
  },
  {
    method: 'get',
    path: '/api/users/{user_id}',
    tag: 'users',
    summary: "Anyone's public profile",
    description: 'The email only if it is you.',
    feathers: { service: 'api/users', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(publicUserSchema, ex.exampleOtherUser, 'The user') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/users/search',
    tag: 'users',
    summary: 'Search users by name prefix',
    description:
      'Case-insensitive prefix of the name; never the email (not even an exact address, which would tell ' +
      'whether it has an account). `q` is required; `$limit` at most 50, `$skip`; ' +
      '`has_more` says whether another page exists (no `total`). Rate-limited per user (429).',
    feathers: { service: 'api/users/search', method: 'find' },
    auth: 'bearer',
    query: userSearchQuerySchema,
    responses: {
      200: json(
        publicUserPageSchema,
        { data: [ex.exampleOtherUser], limit: 20, skip: 0, has_more: false },
        'A page of users'
      )
    },
    errors: [429]
  },
  {
    method: 'put',
    path: '/api/users/status',
    tag: 'users',
    summary: 'Set my presence status',
    description:
      'Pushed as `user_status` to the users sharing a chat with me. `away` and `dnd` are kept while I am ' +
      'connected; the last disconnect sets `offline`.',
    feathers: { service: 'api/users/status', method: 'update' },
    auth: 'bearer',
    body: { schema: statusDataSchema, example: { status: 'dnd' } },
    responses: {
      200: json(userStatusSchema, { user_id: ex.exampleIds.ada, status: 'dnd', last_seen: null }, 'My status')
    }
  }
]

// The route table behind the OpenAPI document: one entry per REST operation. Request bodies and query strings
// are the services' own TypeBox schemas (the ones their validation hooks use); responses are in schemas.ts.
// test/docs.test.ts fails when a service registered on the app, or a route in README's API tables, is missing.
import { Type } from '@feathersjs/typebox'
import type { TSchema } from '@feathersjs/typebox'
import {
  loginDataSchema,
  logoutDataSchema,
  refreshDataSchema,
  registerDataSchema
} from '../services/auth/auth.schema'
import { userQuerySchema } from '../services/users/users.schema'
import { profileDataSchema } from '../services/users/profile/profile.schema'
import { userSearchQuerySchema } from '../services/users/search/search.schema'
import { statusDataSchema } from '../services/users/status/status.schema'
import {
  chatQuerySchema,
  markReadDataSchema,
  privateChatDataSchema,
  typingDataSchema
} from '../services/chats/chats.schema'
import {
  messageDataSchema,
  messagePatchSchema,
  messageQuerySchema,
  messageSearchQuerySchema
} from '../services/messages/messages.schema'
import { groupDataSchema, groupMemberDataSchema, groupPatchSchema } from '../services/groups/groups.schema'
import { uploadDataSchema } from '../services/files/files.schema'
import * as s from './schemas'
import * as ex from './examples'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** `bearer`: `Authorization: Bearer <access_token>`; `bearer-or-query` also takes `?access_token=`. */
export type Auth = 'none' | 'bearer' | 'bearer-or-query'

export interface ResponseDoc {
  description: string
  schema?: TSchema
  example?: unknown
  /** Default `application/json`. */
  contentType?: string
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>
}

export interface RouteDoc {
  method: HttpMethod
  /** OpenAPI path: `/api/chats/{chat_id}/messages`. */
  path: string
  tag: string
  summary: string
  description?: string
  /** The Feathers service and method behind the route (absent for plain Koa routes). */
  feathers?: { service: string; method: string; rest_only?: boolean }
  auth: Auth
  body?: {
    schema: TSchema
    required?: boolean
    example?: unknown
    /** Default `application/json`. */
    contentType?: string
    /** Multipart: the order of the form fields matters (`purpose` before `file`). */
    encoding?: Record<string, { contentType: string }>
  }
  query?: TSchema
  headerParams?: Array<{ name: string; description: string; schema: Record<string, unknown> }>
  responses: Record<number, ResponseDoc>
  /** Error statuses besides the ones implied (401 on authenticated routes, 400 with a body or query). */
  errors?: number[]
}

export const tags = [
  { name: 'accounts', description: 'Registration, login, tokens and sessions' },
  { name: 'users', description: 'Profiles, search and presence' },
  { name: 'chats', description: 'Chats, read pointers and typing' },
  { name: 'messages', description: 'History, sending, search, editing and deleting' },
  { name: 'groups', description: 'Groups and their members' },
  { name: 'files', description: 'Uploads and file content' },
  { name: 'operations', description: 'Health and metrics' }
]

const json = (schema: TSchema, example?: unknown, description = 'OK'): ResponseDoc => ({
  description,
  schema,
  example
})

const paginatedUsers = s.paginated(s.publicUserSchema, 'PublicUserPage')
const paginatedChats = s.paginated(s.chatSchema, 'ChatPage')
const paginatedHits = s.paginated(s.searchHitSchema, 'MessageSearchPage')
const emptyObject = Type.Object({}, { additionalProperties: false })

export const routes: RouteDoc[] = [
  // --- accounts --------------------------------------------------------------------------------------
  {
    method: 'post',
    path: '/api/auth/register',
    tag: 'accounts',
    summary: 'Create an account',
    description: 'The email is stored lower-cased; a duplicate in any casing is a 409. Rate-limited per IP.',
    feathers: { service: 'api/auth/register', method: 'create' },
    auth: 'none',
    body: {
      schema: registerDataSchema,
      example: { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct horse battery' }
    },
    responses: { 201: json(s.publicUserSchema, ex.exampleUser, 'The new user (with its email)') },
    errors: [409, 429]
  },
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'accounts',
    summary: 'Log in with email and password',
    description:
      'Starts a session: an access token (JWT) and a one-use refresh token. A wrong email or password gets ' +
      'the same 401. Rate-limited per IP and per email.',
    feathers: { service: 'api/auth/login', method: 'create' },
    auth: 'none',
    body: {
      schema: loginDataSchema,
      example: { email: 'ada@example.com', password: 'correct horse battery' }
    },
    responses: { 201: json(s.tokenPairSchema, ex.exampleTokenPair, 'Tokens and the user') },
    errors: [429]
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    tag: 'accounts',
    summary: 'Exchange a refresh token for a new pair',
    description:
      'The old refresh token is dead afterwards; replaying it ends the whole session (theft detection).',
    feathers: { service: 'api/auth/refresh', method: 'create' },
    auth: 'none',
    body: { schema: refreshDataSchema, example: { refresh_token: ex.exampleTokenPair.refresh_token } },
    responses: { 201: json(s.tokenPairSchema, ex.exampleTokenPair, 'A new pair') },
    errors: [401]
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'accounts',
    summary: 'End the session',
    description:
      "Ends the bearer token's session (and the one of `refresh_token` if given); the session's sockets " +
      'are detached at once.',
    feathers: { service: 'api/auth/logout', method: 'create' },
    auth: 'bearer',
    body: { schema: logoutDataSchema, required: false, example: {} },
    responses: {
      201: json(s.logoutResultSchema, { user_id: ex.exampleIds.ada, session_id: 'a1b2c3', logged_out: true })
    }
  },
  {
    method: 'post',
    path: '/api/authentication',
    tag: 'accounts',
    summary: 'Feathers authentication (local or jwt strategy)',
    description:
      'What `@feathersjs/authentication-client` calls: `{strategy: "local", email, password}` logs in (like ' +
      '`/api/auth/login`), `{strategy: "jwt", accessToken}` re-authenticates (over Socket.IO it also ' +
      "authenticates the connection and joins the user's channels).",
    feathers: { service: 'api/authentication', method: 'create' },
    auth: 'none',
    body: {
      schema: s.authenticationRequestSchema,
      example: { strategy: 'local', email: 'ada@example.com', password: 'correct horse battery' }
    },
    responses: {
      201: json(s.authenticationResultSchema, {
        accessToken: ex.exampleTokenPair.access_token,
        authentication: { strategy: 'local' },
        user: ex.exampleUser,
        refreshToken: ex.exampleTokenPair.refresh_token
      })
    },
    errors: [401, 429]
  },
  {
    method: 'delete',
    path: '/api/authentication',
    tag: 'accounts',
    summary: 'Feathers logout',
    description: "What the Feathers client's `logout()` calls: ends the bearer token's session.",
    feathers: { service: 'api/authentication', method: 'remove' },
    auth: 'bearer',
    responses: {
      200: json(s.authenticationResultSchema, {
        accessToken: ex.exampleTokenPair.access_token,
        authentication: { strategy: 'jwt', accessToken: ex.exampleTokenPair.access_token },
        user: ex.exampleUser
      })
    }
  },

  // --- users -----------------------------------------------------------------------------------------
  {
    method: 'get',
    path: '/api/users/profile',
    tag: 'users',
    summary: 'My profile',
    feathers: { service: 'api/users/profile', method: 'find' },
    auth: 'bearer',
    responses: { 200: json(s.publicUserSchema, ex.exampleUser, 'My user, with my email') }
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
    responses: { 200: json(s.publicUserSchema, ex.exampleUser, 'My updated user') }
  })),
  {
    method: 'get',
    path: '/api/users',
    tag: 'users',
    summary: 'Look users up by id or exact email',
    description:
      'Exact lookups (`user_id`, `user_id[$in][]`, `email`) and `q` prefix search, paginated. Emails are ' +
      'shown only on your own record. For search boxes use `/api/users/search`.',
    feathers: { service: 'api/users', method: 'find' },
    auth: 'bearer',
    query: userQuerySchema,
    responses: {
      200: json(
        paginatedUsers,
        { total: 1, limit: 10, skip: 0, data: [ex.exampleOtherUser] },
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
    responses: { 200: json(s.publicUserSchema, ex.exampleOtherUser, 'The user') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/users/search',
    tag: 'users',
    summary: 'Search users by name or email prefix',
    description: 'Case-insensitive prefix of the name or the email. `$limit` at most 50.',
    feathers: { service: 'api/users/search', method: 'find' },
    auth: 'bearer',
    query: userSearchQuerySchema,
    responses: {
      200: json(
        paginatedUsers,
        { total: 1, limit: 20, skip: 0, data: [ex.exampleOtherUser] },
        'A page of users'
      )
    }
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
      200: json(
        s.userStatusSchema,
        { user_id: ex.exampleIds.ada, status: 'dnd', last_seen: null },
        'My status'
      )
    }
  },

  // --- chats -----------------------------------------------------------------------------------------
  {
    method: 'get',
    path: '/api/chats',
    tag: 'chats',
    summary: 'My chats, latest activity first',
    description:
      'Each with `last_message`, `unread_count`, `last_read_seq`, and `other_user` (private) or `group`.',
    feathers: { service: 'api/chats', method: 'find' },
    auth: 'bearer',
    query: chatQuerySchema,
    responses: {
      200: json(
        paginatedChats,
        { total: 1, limit: 20, skip: 0, data: [ex.examplePrivateChat] },
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
    responses: { 200: json(s.chatSchema, ex.exampleChatWithMembers, 'The chat') },
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
      201: json(s.chatSchema, ex.examplePrivateChat, 'Created'),
      200: json(s.chatSchema, ex.examplePrivateChat, 'It already existed')
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
      '`read` event.',
    feathers: { service: 'api/chats/:chat_id/mark-read', method: 'update' },
    auth: 'bearer',
    body: { schema: markReadDataSchema, required: false, example: { message_id: ex.exampleIds.message } },
    responses: {
      200: json(s.readReceiptSchema, {
        chat_id: ex.exampleIds.privateChat,
        user_id: ex.exampleIds.ada,
        last_read_seq: 42,
        unread_count: 0
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
      201: json(s.typingResultSchema, {
        chat_id: ex.exampleIds.privateChat,
        user_id: ex.exampleIds.ada,
        typing: true
      })
    },
    errors: [404]
  },

  // --- messages --------------------------------------------------------------------------------------
  {
    method: 'get',
    path: '/api/chats/{chat_id}/messages',
    tag: 'messages',
    summary: 'Message history',
    description:
      'Newest first by default (`limit` default 50, at most 100) and with `before=<message_id>`; oldest ' +
      'first with `after=<message_id>` or `after_seq=<n>` (catching up after a reconnect: page until ' +
      '`has_more` is false). Keyset pagination on `seq`.',
    feathers: { service: 'api/chats/:chat_id/messages', method: 'find' },
    auth: 'bearer',
    query: messageQuerySchema,
    responses: {
      200: json(
        s.messagePageSchema,
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
      '`type` `image` or `file`. Members get `created` on `api/messages`. Rate-limited per user.',
    feathers: { service: 'api/chats/:chat_id/messages', method: 'create' },
    auth: 'bearer',
    body: { schema: messageDataSchema, example: { content: 'Hello, Grace!', client_id: 'c-5f0e2a' } },
    responses: {
      201: json(s.messageDocSchema, ex.exampleMessage, 'Sent'),
      200: json(
        s.messageDocSchema,
        ex.exampleMessage,
        'A retry: the message sent before with this `client_id`'
      )
    },
    errors: [404, 429]
  },
  {
    method: 'get',
    path: '/api/chats/{chat_id}/messages/search',
    tag: 'messages',
    summary: 'Full-text search in a chat',
    description:
      'PostgreSQL `websearch_to_tsquery`: words, `"phrases"`, `or`, `-not`; ranked. `$limit` at most 50.',
    feathers: { service: 'api/chats/:chat_id/messages/search', method: 'find' },
    auth: 'bearer',
    query: messageSearchQuerySchema,
    responses: {
      200: json(
        paginatedHits,
        { total: 1, limit: 20, skip: 0, data: [{ ...ex.exampleMessage, rank: 0.0607927 }] },
        'Ranked hits'
      )
    },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/messages/{message_id}',
    tag: 'messages',
    summary: 'One message',
    feathers: { service: 'api/messages', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(s.messageDocSchema, ex.exampleImageMessage, 'The message') },
    errors: [404]
  },
  ...(['put', 'patch'] as const).map((method): RouteDoc => ({
    method,
    path: '/api/messages/{message_id}',
    tag: 'messages',
    summary: 'Edit my message',
    description: 'The sender only. Sets `edited_at`; members get `patched` on `api/messages`.',
    feathers: { service: 'api/messages', method: method === 'put' ? 'update' : 'patch' },
    auth: 'bearer',
    body: { schema: messagePatchSchema, example: { content: 'Hello again, Grace!' } },
    responses: {
      200: json(s.messageDocSchema, ex.exampleEdited)
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
    responses: { 200: json(s.messageDocSchema, ex.exampleTombstone, 'The tombstone') },
    errors: [403, 404]
  },

  // --- groups ----------------------------------------------------------------------------------------
  {
    method: 'post',
    path: '/api/groups',
    tag: 'groups',
    summary: 'Create a group',
    description: 'The creator is its `owner`; `member_ids` join as members. The group comes with its chat.',
    feathers: { service: 'api/groups', method: 'create' },
    auth: 'bearer',
    body: {
      schema: groupDataSchema,
      example: {
        name: 'Engine room',
        description: 'Difference and analytical',
        member_ids: [ex.exampleIds.grace]
      }
    },
    responses: { 201: json(s.groupSchema, ex.exampleGroup, 'The group with its members') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}',
    tag: 'groups',
    summary: 'A group with its members and their roles',
    feathers: { service: 'api/groups', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(s.groupSchema, ex.exampleGroup, 'The group') },
    errors: [404]
  },
  ...(['put', 'patch'] as const).map((method): RouteDoc => ({
    method,
    path: '/api/groups/{group_id}',
    tag: 'groups',
    summary: 'Change a group',
    description: 'Owner or admin. The chat follows the new name and avatar.',
    feathers: { service: 'api/groups', method: method === 'put' ? 'update' : 'patch' },
    auth: 'bearer',
    body: { schema: groupPatchSchema, example: { description: 'Now with punched cards' } },
    responses: { 200: json(s.groupSchema, { ...ex.exampleGroup, description: 'Now with punched cards' }) },
    errors: [403, 404]
  })),
  {
    method: 'delete',
    path: '/api/groups/{group_id}',
    tag: 'groups',
    summary: 'Delete a group',
    description: 'Owner only. Removes the group, its chat and its messages.',
    feathers: { service: 'api/groups', method: 'remove' },
    auth: 'bearer',
    responses: {
      200: json(s.groupSchema, {
        ...ex.exampleGroup,
        members: undefined,
        member_ids: [ex.exampleIds.ada, ex.exampleIds.grace]
      })
    },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}/members',
    tag: 'groups',
    summary: "A group's members",
    feathers: { service: 'api/groups/:group_id/members', method: 'find' },
    auth: 'bearer',
    responses: { 200: json(Type.Array(s.groupMemberSchema), [ex.exampleGroupMember], 'The members') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}/members/{member_id}',
    tag: 'groups',
    summary: 'One member of a group',
    feathers: { service: 'api/groups/:group_id/members', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(s.groupMemberSchema, ex.exampleGroupMember, 'The member') },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/groups/{group_id}/members',
    tag: 'groups',
    summary: 'Add members',
    description:
      'Owner or admin. `{user_ids: [...]}` or `{user_id}`; `role: admin` is for the owner to grant. Returns ' +
      'the members actually added (already-members are skipped).',
    feathers: { service: 'api/groups/:group_id/members', method: 'create' },
    auth: 'bearer',
    body: { schema: groupMemberDataSchema, example: { user_ids: [ex.exampleIds.grace], role: 'member' } },
    responses: { 201: json(Type.Array(s.groupMemberSchema), [ex.exampleGroupMember], 'The added members') },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/groups/{group_id}/members/{member_id}',
    tag: 'groups',
    summary: 'Remove a member',
    description: 'Owner or admin; an admin cannot remove the owner or another admin.',
    feathers: { service: 'api/groups/:group_id/members', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(s.groupMemberSchema, { ...ex.exampleGroupMember, reason: 'removed' }) },
    errors: [403, 404]
  },
  {
    method: 'post',
    path: '/api/groups/{group_id}/leave',
    tag: 'groups',
    summary: 'Leave a group',
    description:
      'An owner hands over to the longest-standing admin, else member; the last member leaving deletes the ' +
      'group (`group_deleted: true`).',
    feathers: { service: 'api/groups/:group_id/leave', method: 'create' },
    auth: 'bearer',
    body: { schema: emptyObject, required: false, example: {} },
    responses: {
      201: json(s.leaveResultSchema, {
        ...ex.exampleGroupMember,
        reason: 'left',
        group_deleted: false
      })
    },
    errors: [404]
  },

  // --- files -----------------------------------------------------------------------------------------
  {
    method: 'post',
    path: '/api/uploads',
    tag: 'files',
    summary: 'Upload a file',
    description:
      'multipart/form-data with the field `purpose` **first**, then the field `file`. The type is sniffed ' +
      'from the bytes: `avatar` and `group` take PNG, JPEG, GIF or WebP images (anything else: 415), ' +
      '`message` takes any file. Over MAX_FILE_SIZE: 413. Then use the `file_id` (message attachment) or ' +
      'the `url` (avatar_url). REST only: there is no upload over Socket.IO.',
    feathers: { service: 'api/uploads', method: 'create', rest_only: true },
    auth: 'bearer',
    body: {
      contentType: 'multipart/form-data',
      schema: Type.Object(
        {
          purpose: uploadDataSchema.properties.purpose,
          file: Type.String({ format: 'binary', description: 'The bytes (one file)' })
        },
        { additionalProperties: false }
      ),
      encoding: { file: { contentType: 'application/octet-stream' } }
    },
    responses: { 201: json(s.fileSchema, ex.exampleFile, 'The stored file') },
    errors: [413, 415]
  },
  {
    method: 'get',
    path: '/api/files/{file_id}',
    tag: 'files',
    summary: "A file's metadata",
    description:
      'Avatars and group images: any signed-in user. Message attachments: the uploader and the members of a ' +
      'chat where a message carries the file; anyone else gets 404.',
    feathers: { service: 'api/files', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(s.fileSchema, ex.exampleFile, 'The file') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/files/{file_id}/content',
    tag: 'files',
    summary: "A file's bytes",
    description:
      'Same access rules as the metadata. The token may also come as `?access_token=` (for `<img src>`). ' +
      'Safe images (PNG, JPEG, GIF, WebP) are served inline, anything else as an attachment. One byte ' +
      'range (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`) → 206.',
    feathers: { service: 'api/files/:file_id/content', method: 'find', rest_only: true },
    auth: 'bearer-or-query',
    headerParams: [
      { name: 'Range', description: 'One byte range, e.g. `bytes=0-1023`', schema: { type: 'string' } }
    ],
    responses: {
      200: {
        description: 'The bytes',
        contentType: 'application/octet-stream',
        schema: Type.String({ format: 'binary' }),
        headers: {
          'Content-Type': { description: 'The sniffed type', schema: { type: 'string' } },
          'Content-Disposition': {
            description: '`inline` for safe images, else `attachment`',
            schema: { type: 'string' }
          },
          'Accept-Ranges': { description: '`bytes`', schema: { type: 'string' } }
        }
      },
      206: {
        description: 'The requested range',
        contentType: 'application/octet-stream',
        schema: Type.String({ format: 'binary' }),
        headers: {
          'Content-Range': { description: '`bytes start-end/size`', schema: { type: 'string' } }
        }
      }
    },
    errors: [404, 416]
  },
  {
    method: 'delete',
    path: '/api/files/{file_id}',
    tag: 'files',
    summary: 'Delete a file',
    description:
      'The uploader only (others who can see it get 403). Messages that carried it keep `{deleted: true}` ' +
      'as their `file` and are announced as `patched`.',
    feathers: { service: 'api/files', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(s.fileSchema, ex.exampleFile, 'The deleted file') },
    errors: [403, 404]
  },

  // --- operations ------------------------------------------------------------------------------------
  {
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'Health check',
    description:
      '`degraded` (still 200) when Redis is configured but down; 503 when PostgreSQL does not answer in 1 s.',
    auth: 'none',
    responses: {
      200: json(s.healthSchema, { status: 'ok', database: 'up', redis: 'up', uptime_s: 3600 }, 'Serving'),
      503: json(
        s.healthSchema,
        { status: 'unavailable', database: 'down', redis: 'up', uptime_s: 3600 },
        'PostgreSQL is unreachable'
      )
    }
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    auth: 'none',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        contentType: 'text/plain',
        schema: Type.String(),
        example: '# HELP chat_socket_connections Open real-time connections\nchat_socket_connections 3\n'
      }
    }
  }
]

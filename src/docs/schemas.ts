// Response shapes for the API documentation. Request bodies and query strings come straight from the
// services' TypeBox schemas (see routes/); responses are mostly TypeScript interfaces in the services, so they
// are described here in TypeBox, reusing the services' field schemas where they exist. The conformance types at
// the end make `tsc` fail when one of these drifts from the interface the service returns.
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static, TSchema } from '@feathersjs/typebox'
import { userSchema, userStatuses, type User } from '../services/users/users.schema'
import {
  messageSchema,
  type Message as ServiceMessage,
  type MessagePage
} from '../services/messages/messages.schema'
import type {
  Chat,
  ChatGroupInfo,
  ChatMember,
  ChatUser,
  ReadReceipt,
  TypingEvent
} from '../services/chats/chats.schema'
import type { Group, GroupMember } from '../services/groups/groups.schema'
import type { LogoutResult } from '../services/auth/auth.schema'
import type { UserStatus } from '../services/users/status/status.schema'
import { filePurposes, type FileRecord } from '../services/files/files.schema'
import { Nullable } from '../validators'

const NullableString = (options: Record<string, unknown> = {}) => Nullable(Type.String(options))
const DateTime = () => Type.String({ format: 'date-time' })
const NullableDateTime = () => NullableString({ format: 'date-time' })
const roles = ['owner', 'admin', 'member'] as const
/** `StringEnum` with a description (its own options only take a default). */
const Enum = <T extends string[]>(values: [...T], description: string) =>
  Object.assign(StringEnum(values), { description })

/** `{name, message, code, className, data?}`: every error, from services and from the HTTP layer. */
export const errorSchema = Type.Object(
  {
    name: Type.String({ description: 'Feathers error class, e.g. `BadRequest`, `NotAuthenticated`' }),
    message: Type.String({ description: 'What went wrong; validation errors name the field' }),
    code: Type.Integer({ description: 'The HTTP status' }),
    className: Type.String({ description: 'kebab-case of `name`, e.g. `bad-request`' }),
    data: Type.Optional(
      Type.Unknown({ description: 'Details: the validation errors, `retryAfter` seconds…' })
    ),
    errors: Type.Optional(Type.Unknown())
  },
  { $id: 'Error', additionalProperties: false }
)

const u = userSchema.properties

/** A user as others see them; `email` is there only on your own record. */
export const publicUserSchema = Type.Object(
  {
    user_id: u.user_id,
    name: u.name,
    email: Type.Optional(Type.String({ format: 'email', description: 'Only on your own record' })),
    avatar_url: u.avatar_url,
    bio: u.bio,
    status: u.status,
    last_seen: u.last_seen,
    created_at: u.created_at,
    updated_at: u.updated_at
  },
  { $id: 'PublicUser', additionalProperties: false }
)

export const fileSchema = Type.Object(
  {
    file_id: Type.String(),
    user_id: NullableString({ description: 'The uploader (null once their account is gone)' }),
    filename: Type.String({ description: "The client's file name, for display and downloads" }),
    mime_type: Type.String({ description: 'Sniffed from the bytes, not taken from the client' }),
    size: Type.Integer({ minimum: 0 }),
    url: Type.String({ description: 'Where the bytes are: `/api/files/{file_id}/content`' }),
    purpose: StringEnum([...filePurposes]),
    created_at: DateTime()
  },
  { $id: 'File', additionalProperties: false }
)

/** The service's message schema, plus the attachment that image and file messages carry. */
export const messageDocSchema = Type.Object(
  {
    ...messageSchema.properties,
    file: Type.Optional(
      Type.Union(
        [fileSchema, Type.Object({ deleted: Type.Literal(true) }, { additionalProperties: false })],
        {
          description:
            'On `image` and `file` messages: the attachment, or `{deleted: true}` once it is deleted'
        }
      )
    )
  },
  { $id: 'Message', additionalProperties: false }
)

export const messagePageSchema = Type.Object(
  {
    data: Type.Array(messageDocSchema),
    limit: Type.Integer(),
    has_more: Type.Boolean({ description: 'Whether another page exists in the direction of travel' }),
    order: Enum(
      ['asc', 'desc'],
      '`desc` (newest first: the default and `before`), `asc` (catching up: `after`, `after_seq`)'
    )
  },
  { $id: 'MessagePage', additionalProperties: false }
)

export const searchHitSchema = Type.Object(
  { ...messageDocSchema.properties, rank: Type.Number({ description: 'Relevance, highest first' }) },
  { $id: 'MessageSearchHit', additionalProperties: false }
)

export const chatUserSchema = Type.Object(
  {
    user_id: Type.String(),
    name: Type.String(),
    avatar_url: NullableString(),
    status: StringEnum([...userStatuses]),
    last_seen: NullableDateTime()
  },
  { $id: 'ChatUser', additionalProperties: false }
)

export const chatMemberSchema = Type.Object(
  {
    ...chatUserSchema.properties,
    joined_at: DateTime(),
    last_read_seq: Type.Integer(),
    role: Type.Optional(Enum([...roles], 'Group chats only'))
  },
  { $id: 'ChatMember', additionalProperties: false }
)

export const chatGroupInfoSchema = Type.Object(
  {
    group_id: Type.String(),
    name: Type.String(),
    description: NullableString(),
    avatar_url: NullableString(),
    owner_id: Type.String(),
    member_count: Type.Integer()
  },
  { $id: 'ChatGroupInfo', additionalProperties: false }
)

export const chatSchema = Type.Object(
  {
    chat_id: Type.String(),
    type: StringEnum(['private', 'group']),
    name: NullableString(),
    avatar_url: NullableString(),
    description: NullableString(),
    created_by: NullableString(),
    last_seq: Type.Integer({ description: 'The seq of the latest message (0: none yet)' }),
    last_message_at: NullableDateTime(),
    created_at: DateTime(),
    updated_at: DateTime(),
    last_read_seq: Type.Optional(Type.Integer({ description: 'Yours' })),
    unread_count: Type.Optional(Type.Integer({ description: 'Yours: `last_seq − last_read_seq`' })),
    last_message: Type.Optional(Type.Union([messageDocSchema, Type.Null()])),
    other_user: Type.Optional(Type.Union([chatUserSchema, Type.Null()], { description: 'Private chats' })),
    group: Type.Optional(Type.Union([chatGroupInfoSchema, Type.Null()], { description: 'Group chats' })),
    members: Type.Optional(Type.Array(chatMemberSchema, { description: 'On `GET /api/chats/{chat_id}`' }))
  },
  { $id: 'Chat', additionalProperties: false }
)

export const groupSchema = Type.Object(
  {
    group_id: Type.String(),
    chat_id: Type.String({ description: "The group's chat: send messages there" }),
    name: Type.String(),
    description: NullableString(),
    avatar_url: NullableString(),
    owner_id: Type.String(),
    member_count: Type.Integer(),
    created_at: DateTime(),
    updated_at: DateTime(),
    members: Type.Optional(Type.Array(chatMemberSchema)),
    member_ids: Type.Optional(Type.Array(Type.String(), { description: 'On removal: who was in the group' }))
  },
  { $id: 'Group', additionalProperties: false }
)

export const groupMemberSchema = Type.Object(
  {
    group_id: Type.String(),
    chat_id: Type.String(),
    user_id: Type.String(),
    role: StringEnum([...roles]),
    joined_at: DateTime(),
    name: Type.Optional(Type.String()),
    avatar_url: Type.Optional(NullableString()),
    reason: Type.Optional(Enum(['removed', 'left'], 'On removal'))
  },
  { $id: 'GroupMember', additionalProperties: false }
)

export const leaveResultSchema = Type.Object(
  {
    ...groupMemberSchema.properties,
    group_deleted: Type.Boolean({ description: 'True when you were the last member' })
  },
  { $id: 'LeaveResult', additionalProperties: false }
)

export const tokenPairSchema = Type.Object(
  {
    access_token: Type.String({ description: 'JWT for `Authorization: Bearer …`' }),
    refresh_token: Type.String({ description: 'One use: `POST /api/auth/refresh` returns a new pair' }),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
    user: publicUserSchema
  },
  { $id: 'TokenPair', additionalProperties: false }
)

export const logoutResultSchema = Type.Object(
  { user_id: Type.String(), session_id: Type.String(), logged_out: Type.Literal(true) },
  { $id: 'LogoutResult', additionalProperties: false }
)

export const authenticationRequestSchema = Type.Union(
  [
    Type.Object(
      { strategy: Type.Literal('local'), email: Type.String(), password: Type.String() },
      { additionalProperties: false }
    ),
    Type.Object(
      { strategy: Type.Literal('jwt'), accessToken: Type.String() },
      { additionalProperties: false }
    )
  ],
  { $id: 'AuthenticationRequest' }
)

/** The Feathers authentication service's result (what `@feathersjs/authentication-client` expects). */
export const authenticationResultSchema = Type.Object(
  {
    accessToken: Type.String(),
    authentication: Type.Object({
      strategy: Type.String(),
      accessToken: Type.Optional(Type.String()),
      payload: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
    }),
    user: publicUserSchema,
    refreshToken: Type.Optional(Type.String({ description: 'With the local strategy: a new session' }))
  },
  { $id: 'AuthenticationResult' }
)

export const userStatusSchema = Type.Object(
  { user_id: Type.String(), status: StringEnum([...userStatuses]), last_seen: NullableDateTime() },
  { $id: 'UserStatus', additionalProperties: false }
)

export const readReceiptSchema = Type.Object(
  {
    chat_id: Type.String(),
    user_id: Type.String(),
    last_read_seq: Type.Integer(),
    unread_count: Type.Optional(Type.Integer())
  },
  { $id: 'ReadReceipt', additionalProperties: false }
)

export const typingResultSchema = Type.Object(
  { chat_id: Type.String(), user_id: Type.String(), typing: Type.Boolean() },
  { $id: 'TypingResult', additionalProperties: false }
)

export const healthSchema = Type.Object(
  {
    status: StringEnum(['ok', 'degraded', 'saturated', 'unavailable']),
    database: StringEnum(['up', 'down']),
    redis: StringEnum(['up', 'down', 'not_configured']),
    admission: Type.Object(
      { running: Type.Integer(), waiting: Type.Integer(), stalled_ms: Type.Integer() },
      { additionalProperties: false }
    ),
    uptime_s: Type.Integer()
  },
  { $id: 'Health', additionalProperties: false }
)

/** A Feathers page: `{total, limit, skip, data}`. */
export const paginated = (item: TSchema, $id: string) =>
  Type.Object(
    { total: Type.Integer(), limit: Type.Integer(), skip: Type.Integer(), data: Type.Array(item) },
    { $id, additionalProperties: false }
  )

// --- Conformance with the services' types (compile-time only) ---------------------------------------------
// `Conforms<Doc, T>`: the documented shape has exactly the keys of the service's type, and every documented
// value is one the type allows. A field added to (or removed from) an interface without its documentation
// here fails `tsc`.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false
type Conforms<Doc, T> = SameKeys<Doc, T> extends true ? (Doc extends T ? true : false) : false
type Expect<T extends true> = T

type PublicUser = Omit<User, 'id' | 'password_hash' | 'banned_at' | 'email'> & { email?: string }
type DocMessage = Static<typeof messageDocSchema>

export type _Conformance = [
  Expect<Conforms<Static<typeof publicUserSchema>, PublicUser>>,
  Expect<Conforms<Omit<DocMessage, 'file'>, Omit<ServiceMessage, 'file'>>>,
  Expect<SameKeys<DocMessage, ServiceMessage>>,
  Expect<Conforms<Static<typeof fileSchema>, FileRecord>>,
  Expect<Conforms<Omit<Static<typeof messagePageSchema>, 'data'>, Omit<MessagePage, 'data'>>>,
  Expect<Conforms<Static<typeof chatUserSchema>, ChatUser>>,
  Expect<Conforms<Static<typeof chatMemberSchema>, ChatMember>>,
  Expect<Conforms<Static<typeof chatGroupInfoSchema>, ChatGroupInfo>>,
  Expect<Conforms<Omit<Static<typeof chatSchema>, 'last_message'>, Omit<Chat, 'last_message'>>>,
  Expect<SameKeys<Static<typeof chatSchema>, Chat>>,
  Expect<Conforms<Static<typeof groupSchema>, Group>>,
  Expect<Conforms<Static<typeof groupMemberSchema>, GroupMember>>,
  Expect<Conforms<Static<typeof logoutResultSchema>, LogoutResult>>,
  Expect<Conforms<Static<typeof userStatusSchema>, UserStatus>>,
  Expect<Conforms<Static<typeof readReceiptSchema>, ReadReceipt>>,
  Expect<Conforms<Static<typeof typingResultSchema>, TypingEvent & { typing: boolean }>>
]

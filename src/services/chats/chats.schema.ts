// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import {
  dataValidator,
  queryValidator,
  DateTime,
  Enum,
  Nullable,
  OffsetPage,
  Text,
  type OffsetPaged,
  lazyValidator
} from '../../validators'
import { messageSchema } from '../messages/messages.schema'
import { userStatuses } from '../users/users.schema'

export const memberRoles = ['owner', 'admin', 'member'] as const

/** The public part of a user, as shown inside chats (never an email). */
export const chatUserSchema = Type.Object(
  {
    user_id: Type.String(),
    name: Type.String(),
    avatar_url: Nullable(Type.String()),
    status: StringEnum([...userStatuses]),
    last_seen: Nullable(DateTime()),
    is_bot: Type.Boolean({ description: 'A bot account or an integration' })
  },
  { $id: 'ChatUser', additionalProperties: false }
)
export type ChatUser = Static<typeof chatUserSchema>

export const chatMemberSchema = Type.Object(
  {
    ...chatUserSchema.properties,
    joined_at: DateTime(),
    last_read_seq: Type.Integer(),
    role: Type.Optional(Enum([...memberRoles], 'Group chats only')),
    muted_until: Type.Optional(
      Nullable(DateTime({ description: 'Group chats: until when the member is muted' }))
    )
  },
  { $id: 'ChatMember', additionalProperties: false }
)
export type ChatMember = Static<typeof chatMemberSchema>

/** What a group chat shows of its group. */
export const chatGroupInfoSchema = Type.Object(
  {
    group_id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    owner_id: Type.String(),
    member_count: Type.Integer()
  },
  { $id: 'ChatGroupInfo', additionalProperties: false }
)
export type ChatGroupInfo = Static<typeof chatGroupInfoSchema>

// The columns of `chats` a client may see (`private_key` and the serial id stay internal).
const chatFields = {
  chat_id: Type.String(),
  type: StringEnum(['private', 'group']),
  name: Nullable(Type.String()),
  avatar_url: Nullable(Type.String()),
  description: Nullable(Type.String()),
  created_by: Nullable(Type.String()),
  last_seq: Type.Integer({ description: 'The seq of the latest message (0: none yet)' }),
  last_message_at: Nullable(DateTime()),
  created_at: DateTime(),
  updated_at: DateTime()
}
export const chatColumns = Object.keys(chatFields)

/** A chat as its members see it. Per-user fields (unread_count, last_read_seq) describe the caller. */
export const chatSchema = Type.Object(
  {
    ...chatFields,
    last_read_seq: Type.Optional(Type.Integer({ description: 'Yours' })),
    unread_count: Type.Optional(Type.Integer({ description: 'Yours: `last_seq − last_read_seq`' })),
    mention_count: Type.Optional(
      Type.Integer({ description: 'Yours: messages after your read pointer that mention you (or `all`)' })
    ),
    last_message: Type.Optional(Nullable(messageSchema)),
    other_user: Type.Optional(Type.Union([chatUserSchema, Type.Null()], { description: 'Private chats' })),
    group: Type.Optional(Type.Union([chatGroupInfoSchema, Type.Null()], { description: 'Group chats' })),
    members: Type.Optional(Type.Array(chatMemberSchema, { description: 'On `GET /api/chats/{chat_id}`' }))
  },
  { $id: 'Chat', additionalProperties: false }
)
export type Chat = Static<typeof chatSchema>

/** `GET /api/chats`: a page of my chats. */
export const chatPageSchema = OffsetPage(chatSchema, 'ChatPage')
export type ChatPage = OffsetPaged<Chat>

export const chatExternalResolver = resolve<Chat, HookContext>({
  private_key: async () => undefined,
  id: async () => undefined
} as any)

// `GET /api/chats`: pagination only.
export const chatQuerySchema = Type.Object(
  {
    $limit: Type.Optional(Type.Integer({ minimum: 1 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    type: Type.Optional(Type.Union([Type.Literal('private'), Type.Literal('group')]))
  },
  { additionalProperties: false }
)
export type ChatQuery = Static<typeof chatQuerySchema>
export const chatQueryValidator = lazyValidator(chatQuerySchema, queryValidator)

// `POST /api/chats/private`
export const privateChatDataSchema = Type.Object(
  { user_id: Text({ minLength: 1, maxLength: 50 }) },
  { $id: 'PrivateChatData', additionalProperties: false }
)
export type PrivateChatData = Static<typeof privateChatDataSchema>
export const privateChatDataValidator = lazyValidator(privateChatDataSchema, dataValidator)

// `PUT /api/chats/:chat_id/mark-read`
export const markReadDataSchema = Type.Object(
  { message_id: Type.Optional(Text({ minLength: 1, maxLength: 50 })) },
  { $id: 'MarkReadData', additionalProperties: false }
)
export type MarkReadData = Static<typeof markReadDataSchema>
export const markReadDataValidator = lazyValidator(markReadDataSchema, dataValidator)

/**
 * The mark-read response and the `read` event. The counts are the reader's: in the response and in the event
 * to the reader's own connections; the other members' event has the pointer only.
 */
export const readReceiptSchema = Type.Object(
  {
    chat_id: Type.String(),
    user_id: Type.String(),
    last_read_seq: Type.Integer(),
    unread_count: Type.Optional(Type.Integer({ description: "The reader's: `last_seq − last_read_seq`" })),
    mention_count: Type.Optional(
      Type.Integer({
        description: "The reader's: messages after the new pointer that mention them (or `all`)"
      })
    )
  },
  { $id: 'ReadReceipt', additionalProperties: false }
)
export type ReadReceipt = Static<typeof readReceiptSchema>

// `POST /api/chats/:chat_id/typing`
export const typingDataSchema = Type.Object(
  { typing: Type.Boolean() },
  { $id: 'TypingData', additionalProperties: false }
)
export type TypingData = Static<typeof typingDataSchema>
export const typingDataValidator = lazyValidator(typingDataSchema, dataValidator)

/** The `typing_start` / `typing_stop` event. */
export const typingEventSchema = Type.Object(
  { chat_id: Type.String(), user_id: Type.String() },
  { additionalProperties: false }
)
export type TypingEvent = Static<typeof typingEventSchema>

/** The typing response: the event, and whether it started or stopped. */
export const typingResultSchema = Type.Object(
  { ...typingEventSchema.properties, typing: Type.Boolean() },
  { $id: 'TypingResult', additionalProperties: false }
)
export type TypingResult = Static<typeof typingResultSchema>

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, queryValidator, Text } from '../../validators'
import type { Message } from '../messages/messages.schema'

/** The public part of a user, as shown inside chats (never an email). */
export interface ChatUser {
  user_id: string
  name: string
  avatar_url: string | null
  status: string
  last_seen: string | null
}

export interface ChatMember extends ChatUser {
  joined_at: string
  last_read_seq: number
  role?: 'owner' | 'admin' | 'member'
}

export interface ChatGroupInfo {
  group_id: string
  name: string
  description: string | null
  avatar_url: string | null
  owner_id: string
  member_count: number
}

/** A chat as its members see it. Per-user fields (unread_count, last_read_seq) describe the caller. */
export interface Chat {
  chat_id: string
  type: 'private' | 'group'
  name: string | null
  avatar_url: string | null
  description: string | null
  created_by: string | null
  last_seq: number
  last_message_at: string | null
  created_at: string
  updated_at: string
  last_read_seq?: number
  unread_count?: number
  last_message?: Message | null
  other_user?: ChatUser | null
  group?: ChatGroupInfo | null
  members?: ChatMember[]
}

/** Columns of `chats` a client may see (`private_key` and the serial id stay internal). */
export const chatColumns = [
  'chat_id',
  'type',
  'name',
  'avatar_url',
  'description',
  'created_by',
  'last_seq',
  'last_message_at',
  'created_at',
  'updated_at'
]

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
export const chatQueryValidator = getValidator(chatQuerySchema, queryValidator)

// `POST /api/chats/private`
export const privateChatDataSchema = Type.Object(
  { user_id: Text({ minLength: 1, maxLength: 50 }) },
  { $id: 'PrivateChatData', additionalProperties: false }
)
export type PrivateChatData = Static<typeof privateChatDataSchema>
export const privateChatDataValidator = getValidator(privateChatDataSchema, dataValidator)

// `PUT /api/chats/:chat_id/mark-read`
export const markReadDataSchema = Type.Object(
  { message_id: Type.Optional(Text({ minLength: 1, maxLength: 50 })) },
  { $id: 'MarkReadData', additionalProperties: false }
)
export type MarkReadData = Static<typeof markReadDataSchema>
export const markReadDataValidator = getValidator(markReadDataSchema, dataValidator)

/** The `read` event and the mark-read response. */
export interface ReadReceipt {
  chat_id: string
  user_id: string
  last_read_seq: number
  unread_count?: number
}

// `POST /api/chats/:chat_id/typing`
export const typingDataSchema = Type.Object(
  { typing: Type.Boolean() },
  { $id: 'TypingData', additionalProperties: false }
)
export type TypingData = Static<typeof typingDataSchema>
export const typingDataValidator = getValidator(typingDataSchema, dataValidator)

/** The `typing_start` / `typing_stop` event. */
export interface TypingEvent {
  chat_id: string
  user_id: string
}

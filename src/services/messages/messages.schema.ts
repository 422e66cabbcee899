// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { Type, getValidator, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator, Nullable, Text } from '../../validators'

export const messageTypes = ['text', 'image', 'file'] as const

// Main data model schema: a message as it leaves the server.
export const messageSchema = Type.Object(
  {
    message_id: Type.String(),
    chat_id: Type.String(),
    sender_id: Type.String(),
    sender_name: Nullable(Type.String()),
    sender_avatar: Nullable(Type.String()),
    content: Type.String(),
    type: StringEnum([...messageTypes]),
    status: Type.String(),
    reply_to: Nullable(Type.String()),
    file_id: Nullable(Type.String()),
    seq: Type.Integer(),
    client_id: Nullable(Type.String()),
    edited_at: Nullable(Type.String({ format: 'date-time' })),
    deleted_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' })
  },
  { $id: 'Message', additionalProperties: false }
)
/** Image and file messages also carry their attachment's metadata (or `{deleted: true}`). */
export type Message = Static<typeof messageSchema> & { file?: object }

/** Columns a message is read with: everything but the internal id and the search vector. */
export const messageColumns = Object.keys(messageSchema.properties)

// No external resolver: messages are read with `messageColumns`, an allow-list built from this schema, so a
// column added to the table (like the internal `id` or `search_vector`) cannot leave the server. Running an
// empty resolver over every message of every page and event cost ~45 µs per history page in the profile.

// Schema for sending a message (`POST /api/chats/:chat_id/messages`). Server-owned fields (sender, seq,
// timestamps, status) are not accepted: they are set by the service.
export const messageDataSchema = Type.Object(
  {
    content: Text({ maxLength: 100_000 }),
    type: Type.Optional(StringEnum([...messageTypes])),
    reply_to: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    client_id: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
    file_id: Type.Optional(Text({ minLength: 1, maxLength: 50 }))
  },
  { $id: 'MessageData', additionalProperties: false }
)
export type MessageData = Static<typeof messageDataSchema>
export const messageDataValidator = getValidator(messageDataSchema, dataValidator)

// Schema for editing (`PUT|PATCH /api/messages/:message_id`): only the content changes.
export const messagePatchSchema = Type.Object(
  { content: Text({ minLength: 1, maxLength: 100_000 }) },
  { $id: 'MessagePatch', additionalProperties: false }
)
export type MessagePatch = Static<typeof messagePatchSchema>
export const messagePatchValidator = getValidator(messagePatchSchema, dataValidator)

// History query: keyset cursors, never OFFSET.
export const messageQuerySchema = Type.Object(
  {
    before: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    after: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    after_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    before_seq: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    $limit: Type.Optional(Type.Integer({ minimum: 1 }))
  },
  { additionalProperties: false }
)
export type MessageQuery = Static<typeof messageQuerySchema>
export const messageQueryValidator = getValidator(messageQuerySchema, queryValidator)

/** A page of history. `has_more` says whether another page exists in the direction of travel. */
export interface MessagePage {
  data: Message[]
  limit: number
  has_more: boolean
  /** 'desc' (newest first: the default and `before`) or 'asc' (catching up: `after`, `after_seq`). */
  order: 'asc' | 'desc'
}

export const messageSearchQuerySchema = Type.Object(
  {
    q: Text({ minLength: 1, maxLength: 200 }),
    $limit: Type.Optional(Type.Integer({ minimum: 1 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 }))
  },
  { additionalProperties: false }
)
export type MessageSearchQuery = Static<typeof messageSearchQuerySchema>
export const messageSearchQueryValidator = getValidator(messageSearchQuerySchema, queryValidator)

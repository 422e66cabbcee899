// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import {
  dataValidator,
  queryValidator,
  DateTime,
  Enum,
  Nullable,
  Text,
  Page,
  lazyValidator
} from '../../validators'
import { fileSchema } from '../files/files.schema'
import { mentionsSchema, threadFields } from './thread-mention.schema'

export const messageTypes = ['text', 'image', 'file'] as const

// The stored fields of a message, as they leave the server.
const messageFields = {
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
  edited_at: Nullable(DateTime()),
  deleted_at: Nullable(DateTime()),
  created_at: DateTime(),
  ...threadFields,
  // Reactions and pins (SPEC §11, §13): stored on the row so a page of messages needs no query per message.
  reactions: Type.Array(
    Type.Object(
      { emoji: Type.String(), count: Type.Integer(), me: Type.Boolean() },
      { additionalProperties: false }
    ),
    { description: 'Counts per emoji, in order of first use; `me`: whether the caller reacted with it' }
  ),
  pinned_at: Nullable(DateTime()),
  pinned_by: Nullable(Type.String())
}

/** Columns a message is read with: everything but the internal id and the search vector. */
export const messageColumns = Object.keys(messageFields)

// Main data model schema: a message as clients get it. Image and file messages also carry their attachment.
export const messageSchema = Type.Object(
  {
    ...messageFields,
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
export type Message = Static<typeof messageSchema>

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
    file_id: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    thread_root_id: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    mentions: Type.Optional(mentionsSchema)
  },
  { $id: 'MessageData', additionalProperties: false }
)
export type MessageData = Static<typeof messageDataSchema>
export const messageDataValidator = lazyValidator(messageDataSchema, dataValidator)

// Schema for editing (`PUT|PATCH /api/messages/:message_id`): the content, and the mentions if given.
export const messagePatchSchema = Type.Object(
  { content: Text({ minLength: 1, maxLength: 100_000 }), mentions: Type.Optional(mentionsSchema) },
  { $id: 'MessagePatch', additionalProperties: false }
)
export type MessagePatch = Static<typeof messagePatchSchema>
export const messagePatchValidator = lazyValidator(messagePatchSchema, dataValidator)

// History query: keyset cursors, never OFFSET.
export const messageQuerySchema = Type.Object(
  {
    before: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    after: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    after_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    before_seq: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    $limit: Type.Optional(Type.Integer({ minimum: 1 })),
    thread: Type.Optional(Enum(['none'], '`none`: top-level messages only (no thread replies)'))
  },
  { additionalProperties: false }
)
export type MessageQuery = Static<typeof messageQuerySchema>
export const messageQueryValidator = lazyValidator(messageQuerySchema, queryValidator)

/** A page of history (`GET /api/chats/:chat_id/messages`). */
export const messagePageSchema = Page(
  messageSchema,
  'MessagePage',
  'Whether another page exists in the direction of travel',
  {
    order: Enum(
      ['asc', 'desc'],
      '`desc` (newest first: the default and `before`), `asc` (catching up: `after`, `after_seq`)'
    )
  }
)
export type MessagePage = Static<typeof messagePageSchema>

// The search schemas (query, hit, page) are in src/services/search/messages/messages.schema.ts.

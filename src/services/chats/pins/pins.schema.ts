// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import {
  dataValidator,
  queryValidator,
  DateTime,
  Nullable,
  Page,
  Text,
  lazyValidator
} from '../../../validators'
import { messageSchema } from '../../messages/messages.schema'

// Schema for pinning (`POST /api/chats/:chat_id/pins`).
export const pinDataSchema = Type.Object(
  { message_id: Text({ minLength: 1, maxLength: 50 }) },
  { $id: 'PinData', additionalProperties: false }
)
export type PinData = Static<typeof pinDataSchema>
export const pinDataValidator = lazyValidator(pinDataSchema, dataValidator)

// The result of pinning or unpinning, and the payload of the `created` / `removed` events.
export const pinSchema = Type.Object(
  {
    chat_id: Type.String(),
    message_id: Type.String(),
    pinned_at: Nullable(DateTime()),
    pinned_by: Nullable(Type.String())
  },
  { $id: 'Pin', additionalProperties: false }
)
export type Pin = Static<typeof pinSchema>

// Pins list query: keyset cursor on the pins, newest first.
export const pinQuerySchema = Type.Object(
  {
    before: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 }))
  },
  { additionalProperties: false }
)
export type PinQuery = Static<typeof pinQuerySchema>
export const pinQueryValidator = lazyValidator(pinQuerySchema, queryValidator)

/** A page of pinned messages (`GET /api/chats/:chat_id/pins`), newest pin first. */
export const pinPageSchema = Page(
  messageSchema,
  'PinPage',
  'Whether older pins exist (ask again with `before`)'
)
export type PinPage = Static<typeof pinPageSchema>

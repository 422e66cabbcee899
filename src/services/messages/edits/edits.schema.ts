// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { DateTime } from '../../../validators'

// One earlier version of a message: the content an edit replaced, and when that edit happened.
export const messageEditSchema = Type.Object(
  { content: Type.String(), edited_at: DateTime({ description: 'When this content was replaced' }) },
  { $id: 'MessageEdit', additionalProperties: false }
)
export type MessageEdit = Static<typeof messageEditSchema>
export const messageEditListSchema = Type.Array(messageEditSchema, { $id: 'MessageEditList' })

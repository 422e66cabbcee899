// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
// `GET /api/mentions`: messages that mention me, across my chats, newest first.
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { Page, queryValidator, Text, lazyValidator } from '../../validators'
import { messageSchema } from '../messages/messages.schema'

export const mentionQuerySchema = Type.Object(
  {
    before: Type.Optional(
      Text({ minLength: 1, maxLength: 50, description: 'Older than this message_id (the last of a page)' })
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Default 50, at most 100' }))
  },
  { additionalProperties: false }
)
export type MentionQuery = Static<typeof mentionQuerySchema>
export const mentionQueryValidator = lazyValidator(mentionQuerySchema, queryValidator)

export const mentionPageSchema = Page(
  messageSchema,
  'MentionPage',
  'Whether older mentions exist (pass the last message_id as `before`)'
)
export type MentionPage = Static<typeof mentionPageSchema>

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
// `GET /api/messages/:message_id/thread`: the replies of a thread, keyset pages on seq like history.
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator, Text, lazyValidator } from '../../../validators'

export const threadQuerySchema = Type.Object(
  {
    after_seq: Type.Optional(Type.Integer({ minimum: 0, description: 'Oldest first, after this seq' })),
    before: Type.Optional(
      Text({ minLength: 1, maxLength: 50, description: 'Newest first, before this reply (message_id)' })
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Default 50, at most 100' }))
  },
  { additionalProperties: false }
)
export type ThreadQuery = Static<typeof threadQuerySchema>
export const threadQueryValidator = lazyValidator(threadQuerySchema, queryValidator)

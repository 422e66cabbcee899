import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator, Text, lazyValidator } from '../../../validators'

// `q` is required here (an empty search would list everyone); page size is capped by the users service.
export const userSearchQuerySchema = Type.Object(
  {
    q: Text({ minLength: 1, maxLength: 100 }),
    $limit: Type.Optional(Type.Integer({ minimum: 1 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { additionalProperties: false }
)
export type UserSearchQuery = Static<typeof userSearchQuerySchema>
export const userSearchQueryValidator = lazyValidator(userSearchQuerySchema, queryValidator)

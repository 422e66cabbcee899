import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, DateTime, Nullable, lazyValidator } from '../../../validators'
import { userStatuses } from '../users.schema'

export const statusDataSchema = Type.Object(
  { status: StringEnum([...userStatuses]) },
  { $id: 'StatusData', additionalProperties: false }
)
export type StatusData = Static<typeof statusDataSchema>
export const statusDataValidator = lazyValidator(statusDataSchema, dataValidator)

/** The presence record pushed as `user_status` and returned by `PUT /api/users/status`: no other user field. */
export const userStatusSchema = Type.Object(
  { user_id: Type.String(), status: StringEnum([...userStatuses]), last_seen: Nullable(DateTime()) },
  { $id: 'UserStatus', additionalProperties: false }
)
export type UserStatus = Static<typeof userStatusSchema>

import { Type, getValidator, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from '../../../validators'
import { userStatuses } from '../users.schema'

export const statusDataSchema = Type.Object(
  { status: StringEnum([...userStatuses]) },
  { $id: 'StatusData', additionalProperties: false }
)
export type StatusData = Static<typeof statusDataSchema>
export const statusDataValidator = getValidator(statusDataSchema, dataValidator)

/** The presence record pushed as `user_status`: no other user field. */
export interface UserStatus {
  user_id: string
  status: (typeof userStatuses)[number]
  last_seen: string | null
}

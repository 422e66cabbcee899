import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, lazyValidator } from '../../../validators'
import { userFields } from '../users.schema'

// The fields a user may change on their own profile; anything else is refused with its name.
export const profileDataSchema = Type.Partial(
  Type.Object({ name: userFields.name, avatar_url: userFields.avatar_url, bio: userFields.bio }),
  { $id: 'ProfileData', additionalProperties: false, minProperties: 1 }
)
export type ProfileData = Static<typeof profileDataSchema>
export const profileDataValidator = lazyValidator(profileDataSchema, dataValidator)

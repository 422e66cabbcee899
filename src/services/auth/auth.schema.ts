// Request and response shapes of the seed's account routes (`api/auth/*`), shared by the four services.
import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, Text } from '../../validators'
import { userFields, type User } from '../users/users.schema'

export const registerDataSchema = Type.Object(
  {
    name: userFields.name,
    email: userFields.email,
    password: userFields.password,
    avatar_url: Type.Optional(userFields.avatar_url)
  },
  { $id: 'RegisterData', additionalProperties: false }
)
export type RegisterData = Static<typeof registerDataSchema>
export const registerDataValidator = getValidator(registerDataSchema, dataValidator)

export const loginDataSchema = Type.Object(
  {
    email: Text({ minLength: 1, maxLength: 254 }),
    password: Text({ minLength: 1, maxLength: 1024 })
  },
  { $id: 'LoginData', additionalProperties: false }
)
export type LoginData = Static<typeof loginDataSchema>
export const loginDataValidator = getValidator(loginDataSchema, dataValidator)

export const refreshDataSchema = Type.Object(
  { refresh_token: Text({ minLength: 1, maxLength: 512 }) },
  { $id: 'RefreshData', additionalProperties: false }
)
export type RefreshData = Static<typeof refreshDataSchema>
export const refreshDataValidator = getValidator(refreshDataSchema, dataValidator)

export const logoutDataSchema = Type.Object(
  { refresh_token: Type.Optional(Text({ minLength: 1, maxLength: 512 })) },
  { $id: 'LogoutData', additionalProperties: false }
)
export type LogoutData = Static<typeof logoutDataSchema>
export const logoutDataValidator = getValidator(logoutDataSchema, dataValidator)

// `api/authentication` (the Feathers client's route): each credential, when present, must be a string. Which
// fields a strategy needs is the strategy's business (a missing one is its 401); this keeps objects, arrays
// and numbers away from bcrypt, jsonwebtoken and the strategy lookup.
export const authenticationDataSchema = Type.Object(
  {
    strategy: Text({ minLength: 1, maxLength: 32 }),
    email: Type.Optional(Text({ maxLength: 254 })),
    password: Type.Optional(Text({ maxLength: 1024 })),
    accessToken: Type.Optional(Text({ maxLength: 4096 }))
  },
  { $id: 'AuthenticationData' }
)
export type AuthenticationData = Static<typeof authenticationDataSchema>
export const authenticationDataValidator = getValidator(authenticationDataSchema, dataValidator)

/** `{access_token, refresh_token, expires_in, user}`: the seed's login response, also returned by refresh. */
export interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
  user: Partial<User>
}

export interface LogoutResult {
  user_id: string
  session_id: string
  logged_out: true
}

// The account holder's own view of their user: everything but internal fields (email included).
export const ownUserResolver = resolve<any, HookContext>({
  id: async () => undefined,
  password_hash: async () => undefined,
  banned_at: async () => undefined
})

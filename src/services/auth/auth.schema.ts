// Request and response shapes of the seed's account routes (`api/auth/*`), shared by the four services.
import { resolve } from '@feathersjs/schema'
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, Text, lazyValidator } from '../../validators'
import { publicUserSchema, userFields } from '../users/users.schema'

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
export const registerDataValidator = lazyValidator(registerDataSchema, dataValidator)

export const loginDataSchema = Type.Object(
  {
    email: Text({ minLength: 1, maxLength: 254 }),
    password: Text({ minLength: 1, maxLength: 1024 })
  },
  { $id: 'LoginData', additionalProperties: false }
)
export type LoginData = Static<typeof loginDataSchema>
export const loginDataValidator = lazyValidator(loginDataSchema, dataValidator)

export const refreshDataSchema = Type.Object(
  { refresh_token: Text({ minLength: 1, maxLength: 512 }) },
  { $id: 'RefreshData', additionalProperties: false }
)
export type RefreshData = Static<typeof refreshDataSchema>
export const refreshDataValidator = lazyValidator(refreshDataSchema, dataValidator)

export const logoutDataSchema = Type.Object(
  { refresh_token: Type.Optional(Text({ minLength: 1, maxLength: 512 })) },
  { $id: 'LogoutData', additionalProperties: false }
)
export type LogoutData = Static<typeof logoutDataSchema>
export const logoutDataValidator = lazyValidator(logoutDataSchema, dataValidator)

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
export const authenticationDataValidator = lazyValidator(authenticationDataSchema, dataValidator)

/** `{access_token, refresh_token, expires_in, user}`: the seed's login response, also returned by refresh. */
export const tokenPairSchema = Type.Object(
  {
    access_token: Type.String({ description: 'JWT for `Authorization: Bearer …`' }),
    refresh_token: Type.String({ description: 'One use: `POST /api/auth/refresh` returns a new pair' }),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
    user: publicUserSchema
  },
  { $id: 'TokenPair', additionalProperties: false }
)
export type TokenPair = Static<typeof tokenPairSchema>

export const logoutResultSchema = Type.Object(
  { user_id: Type.String(), session_id: Type.String(), logged_out: Type.Literal(true) },
  { $id: 'LogoutResult', additionalProperties: false }
)
export type LogoutResult = Static<typeof logoutResultSchema>

// `api/authentication` as documented: the two strategies a client uses (the validator above is looser on
// purpose, so that a missing field is the strategy's 401).
export const authenticationRequestSchema = Type.Union(
  [
    Type.Object(
      { strategy: Type.Literal('local'), email: Type.String(), password: Type.String() },
      { additionalProperties: false }
    ),
    Type.Object(
      { strategy: Type.Literal('jwt'), accessToken: Type.String() },
      { additionalProperties: false }
    )
  ],
  { $id: 'AuthenticationRequest' }
)

/** The Feathers authentication service's result (what `@feathersjs/authentication-client` expects). */
export const authenticationResultSchema = Type.Object(
  {
    accessToken: Type.String(),
    authentication: Type.Object({
      strategy: Type.String(),
      accessToken: Type.Optional(Type.String()),
      payload: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
    }),
    user: publicUserSchema,
    refreshToken: Type.Optional(Type.String({ description: 'With the local strategy: a new session' }))
  },
  { $id: 'AuthenticationResult' }
)

// The account holder's own view of their user: everything but internal fields (email included).
export const ownUserResolver = resolve<any, HookContext>({
  id: async () => undefined,
  password_hash: async () => undefined,
  banned_at: async () => undefined,
  bot_owner_id: async () => undefined // Bots (SPEC §15)
})

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { newId } from '../../ids'
import type { HookContext } from '../../declarations'
import {
  dataValidator,
  queryValidator,
  HttpUrl,
  Name,
  Nullable,
  OffsetPage,
  Text,
  lazyValidator
} from '../../validators'
import type { OffsetPaged } from '../../validators'
import { cleanName } from '../../text'
import { hashPassword } from '../../auth/passwords'

export const userStatuses = ['online', 'offline', 'away', 'dnd'] as const

// Main data model schema: one row of `users`, as stored.
export const userSchema = Type.Object(
  {
    id: Type.Integer(),
    user_id: Type.String(),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    password_hash: Type.String(),
    avatar_url: Nullable(Type.String()),
    bio: Nullable(Type.String()),
    status: StringEnum([...userStatuses]),
    last_seen: Nullable(Type.String({ format: 'date-time' })),
    banned_at: Nullable(Type.String({ format: 'date-time' })),
    is_bot: Type.Boolean(),
    bot_owner_id: Nullable(Type.String()),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' })
  },
  { $id: 'User', additionalProperties: false }
)
export type User = Static<typeof userSchema>
export const userValidator = lazyValidator(userSchema, dataValidator)
export const userResolver = resolve<User, HookContext>({})

const u = userSchema.properties

/** A user as clients get one (what `userExternalResolver` leaves): `email` only on your own record. */
export const publicUserSchema = Type.Object(
  {
    user_id: u.user_id,
    name: u.name,
    email: Type.Optional(Type.String({ format: 'email', description: 'Only on your own record' })),
    avatar_url: u.avatar_url,
    bio: u.bio,
    status: u.status,
    last_seen: u.last_seen,
    is_bot: Type.Boolean({ description: 'A bot account or an integration (incoming webhook)' }),
    created_at: u.created_at,
    updated_at: u.updated_at
  },
  { $id: 'PublicUser', additionalProperties: false }
)
export type PublicUser = Static<typeof publicUserSchema>

/** A page of users (`GET /api/users`, `GET /api/users/search`) as clients get it. */
export const publicUserPageSchema = OffsetPage(publicUserSchema, 'PublicUserPage')
/** A page of users as the users service returns it (clients see `PublicUser`s: the external resolver). */
export type UserPage = OffsetPaged<User>

/** A user is allowed to see their own email; everyone else sees the public profile only. */
const isSelf = (user: User, context: HookContext) => context.params.user?.user_id === user.user_id

// What leaves the server: never the internal id, the hash or the ban flag; email only for yourself.
export const userExternalResolver = resolve<User, HookContext>({
  id: async () => undefined,
  password_hash: async () => undefined,
  banned_at: async () => undefined,
  bot_owner_id: async () => undefined,
  // A bot's address is synthetic (`<id>@bots.invalid`): never shown, not even to the bot (SPEC §15).
  email: async (value, user, context) => (isSelf(user, context) && !user.is_bot ? value : undefined)
})

// Field rules shared by registration and profile updates.
export const userFields = {
  name: Name({ minLength: 1, maxLength: 100 }),
  email: Text({ format: 'email', maxLength: 254 }),
  avatar_url: Nullable(HttpUrl({ maxLength: 2048 })),
  bio: Nullable(Text({ maxLength: 500 })),
  password: Text({ minLength: 1, maxLength: 72 })
}

// Schema for creating new users (internal: registration validates its own, stricter input first).
export const userDataSchema = Type.Object(
  {
    name: userFields.name,
    email: userFields.email,
    password: userFields.password,
    avatar_url: Type.Optional(userFields.avatar_url),
    bio: Type.Optional(userFields.bio)
  },
  { $id: 'UserData', additionalProperties: false }
)
export type UserData = Static<typeof userDataSchema>
export const userDataValidator = lazyValidator(userDataSchema, dataValidator)
export const userDataResolver = resolve<any, HookContext>({
  user_id: async () => newId(),
  email: async (value) => (value as string).trim().toLowerCase(),
  name: async (value) => cleanName(value as string),
  password_hash: async (_value, data, context) => hashPassword(context.app, data.password),
  password: async () => undefined,
  status: async () => 'offline'
})

// Schema for updating users (internal: profile, status, admin actions).
export const userPatchSchema = Type.Object(
  {
    name: Type.Optional(userFields.name),
    avatar_url: Type.Optional(userFields.avatar_url),
    bio: Type.Optional(userFields.bio),
    password: Type.Optional(userFields.password),
    status: Type.Optional(StringEnum([...userStatuses])),
    last_seen: Type.Optional(Nullable(Text({ format: 'date-time' }))),
    banned_at: Type.Optional(Nullable(Text({ format: 'date-time' })))
  },
  { $id: 'UserPatch', additionalProperties: false }
)
export type UserPatch = Static<typeof userPatchSchema>
export const userPatchValidator = lazyValidator(userPatchSchema, dataValidator)
export const userPatchResolver = resolve<any, HookContext>({
  name: async (value) => (typeof value === 'string' ? cleanName(value) : value),
  password_hash: async (value, data, context) =>
    data.password === undefined ? value : hashPassword(context.app, data.password),
  password: async () => undefined,
  updated_at: async () => new Date().toISOString()
})

const userIdFilter = Type.Union([
  Text(),
  Type.Object({ $in: Type.Array(Text(), { maxItems: 100 }) }, { additionalProperties: false })
])
const page = {
  $limit: Type.Optional(Type.Integer({ minimum: 0 })),
  $skip: Type.Optional(Type.Integer({ minimum: 0 }))
}

// Schema for allowed query properties of internal calls: exact ids (one or a batch), exact email (the local
// strategy, the CLI), and `q` name prefix search (`api/users/search`).
export const userQuerySchema = Type.Object(
  {
    q: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
    user_id: Type.Optional(userIdFilter),
    email: Type.Optional(Text()),
    ...page
  },
  { additionalProperties: false }
)
export type UserQuery = Static<typeof userQuerySchema>
export const userQueryValidator = lazyValidator(userQuerySchema, queryValidator)
export const userQueryResolver = resolve<UserQuery, HookContext>({})

// What clients may ask `find`: known ids only. No email (a filter on a hidden field answers "yes" or "no"
// about it), no `q` (that is `api/users/search`, rate-limited), no listing of everyone.
export const userClientFindQuerySchema = Type.Object(
  { user_id: userIdFilter, ...page },
  { additionalProperties: false }
)
export type UserClientFindQuery = Static<typeof userClientFindQuerySchema>
export const userClientFindQueryValidator = lazyValidator(userClientFindQuerySchema, queryValidator)

// Clients' `get` takes no query: a filter there would confirm hidden fields of the user fetched.
export const userClientGetQueryValidator = lazyValidator(
  Type.Object({}, { additionalProperties: false }),
  queryValidator
)

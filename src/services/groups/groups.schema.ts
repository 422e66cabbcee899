// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, getValidator, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, HttpUrl, Name, Nullable, Text } from '../../validators'
import type { ChatMember } from '../chats/chats.schema'

export interface Group {
  group_id: string
  chat_id: string
  name: string
  description: string | null
  avatar_url: string | null
  owner_id: string
  member_count: number
  created_at: string
  updated_at: string
  members?: ChatMember[]
  /** On `removed` only: who was in the group, so each of them can be told. */
  member_ids?: string[]
}

export const groupColumns = [
  'group_id',
  'chat_id',
  'name',
  'description',
  'avatar_url',
  'owner_id',
  'member_count',
  'created_at',
  'updated_at'
]

const groupFields = {
  name: Name({ minLength: 1, maxLength: 100 }),
  description: Nullable(Text({ maxLength: 1000 })),
  avatar_url: Nullable(HttpUrl({ maxLength: 2048 }))
}

// Schema for creating a group: the creator becomes its owner; `member_ids` join as members.
export const groupDataSchema = Type.Object(
  {
    name: groupFields.name,
    description: Type.Optional(groupFields.description),
    avatar_url: Type.Optional(groupFields.avatar_url),
    member_ids: Type.Optional(
      Type.Array(Text({ minLength: 1, maxLength: 50 }), { maxItems: 1000, uniqueItems: true })
    )
  },
  { $id: 'GroupData', additionalProperties: false }
)
export type GroupData = Static<typeof groupDataSchema>
export const groupDataValidator = getValidator(groupDataSchema, dataValidator)

// Schema for updating a group (owner or admin).
export const groupPatchSchema = Type.Object(
  {
    name: Type.Optional(groupFields.name),
    description: Type.Optional(groupFields.description),
    avatar_url: Type.Optional(groupFields.avatar_url)
  },
  { $id: 'GroupPatch', additionalProperties: false, minProperties: 1 }
)
export type GroupPatch = Static<typeof groupPatchSchema>
export const groupPatchValidator = getValidator(groupPatchSchema, dataValidator)

export const groupExternalResolver = resolve<Group, HookContext>({})

// `POST /api/groups/:group_id/members`
export const groupMemberDataSchema = Type.Object(
  {
    user_ids: Type.Optional(
      Type.Array(Text({ minLength: 1, maxLength: 50 }), {
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true
      })
    ),
    user_id: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
    role: Type.Optional(StringEnum(['member', 'admin']))
  },
  { $id: 'GroupMemberData', additionalProperties: false, minProperties: 1 }
)
export type GroupMemberData = Static<typeof groupMemberDataSchema>
export const groupMemberDataValidator = getValidator(groupMemberDataSchema, dataValidator)

/** A membership as announced by `api/groups/:group_id/members` events. */
export interface GroupMember {
  group_id: string
  chat_id: string
  user_id: string
  role: 'owner' | 'admin' | 'member'
  joined_at: string
  name?: string
  avatar_url?: string | null
  /** On `removed`: 'removed' by an owner/admin, or 'left'. */
  reason?: 'removed' | 'left'
}

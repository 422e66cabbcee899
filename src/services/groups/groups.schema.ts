// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { resolve } from '@feathersjs/schema'
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../declarations'
import { dataValidator, DateTime, Enum, HttpUrl, Name, Nullable, Text, lazyValidator } from '../../validators'
import { chatMemberSchema, memberRoles } from '../chats/chats.schema'

// The columns of `groups` as they leave the server.
const groupRowFields = {
  group_id: Type.String(),
  chat_id: Type.String({ description: "The group's chat: send messages there" }),
  name: Type.String(),
  description: Nullable(Type.String()),
  avatar_url: Nullable(Type.String()),
  owner_id: Type.String(),
  member_count: Type.Integer(),
  created_at: DateTime(),
  updated_at: DateTime()
}
export const groupColumns = Object.keys(groupRowFields)

export const groupSchema = Type.Object(
  {
    ...groupRowFields,
    members: Type.Optional(Type.Array(chatMemberSchema)),
    member_ids: Type.Optional(Type.Array(Type.String(), { description: 'On removal: who was in the group' }))
  },
  { $id: 'Group', additionalProperties: false }
)
export type Group = Static<typeof groupSchema>

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
export const groupDataValidator = lazyValidator(groupDataSchema, dataValidator)

// Schema for updating a group (owner or admin).
// Spelled out rather than Type.Partial(...): Feathers infers the service's result type from these
// signatures, and the Partial form made `publish()` publishers see the patch shape instead of Group.
export const groupPatchSchema = Type.Object(
  {
    name: Type.Optional(groupFields.name),
    description: Type.Optional(groupFields.description),
    avatar_url: Type.Optional(groupFields.avatar_url)
  },
  { $id: 'GroupPatch', additionalProperties: false, minProperties: 1 }
)
export type GroupPatch = Static<typeof groupPatchSchema>
export const groupPatchValidator = lazyValidator(groupPatchSchema, dataValidator)

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
export const groupMemberDataValidator = lazyValidator(groupMemberDataSchema, dataValidator)

/** A membership as announced by `api/groups/:group_id/members` events. */
export const groupMemberSchema = Type.Object(
  {
    group_id: Type.String(),
    chat_id: Type.String(),
    user_id: Type.String(),
    role: StringEnum([...memberRoles]),
    joined_at: DateTime(),
    name: Type.Optional(Type.String()),
    avatar_url: Type.Optional(Nullable(Type.String())),
    muted_until: Type.Optional(
      Nullable(DateTime({ description: 'Until when the member is muted (SPEC §15)' }))
    ),
    is_bot: Type.Optional(Type.Boolean({ description: 'A bot account or an integration' })),
    reason: Type.Optional(Enum(['removed', 'left', 'banned'], 'On removal'))
  },
  { $id: 'GroupMember', additionalProperties: false }
)
export type GroupMember = Static<typeof groupMemberSchema>

/** `POST /api/groups/:group_id/leave`: the membership that ended. */
export const leaveResultSchema = Type.Object(
  {
    ...groupMemberSchema.properties,
    group_deleted: Type.Boolean({ description: 'True when you were the last member' })
  },
  { $id: 'LeaveResult', additionalProperties: false }
)
export type LeaveResult = Static<typeof leaveResultSchema>

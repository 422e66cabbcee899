// Moderation schemas of a group (SPEC §15): mutes (`api/groups/:group_id/members/:member_id/mute`), bans
// (`api/groups/:group_id/bans`) and the `?ban=true` of a member's removal.
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import {
  dataValidator,
  queryValidator,
  DateTime,
  Nullable,
  OffsetPage,
  Text,
  lazyValidator
} from '../../validators'

export const muteDataSchema = Type.Object(
  {
    until: Text({
      format: 'date-time',
      description:
        'When the mute ends (ISO 8601 date-time in the future, at most `MUTE_MAX_DAYS` ahead, 366 by default)'
    })
  },
  { $id: 'MuteData', additionalProperties: false }
)
export type MuteData = Static<typeof muteDataSchema>
export const muteDataValidator = lazyValidator(muteDataSchema, dataValidator)

/** A member's mute, as answered and announced (`created` on a mute, `removed` on an unmute). */
export const muteSchema = Type.Object(
  {
    group_id: Type.String(),
    chat_id: Type.String(),
    user_id: Type.String(),
    muted_until: Nullable(DateTime({ description: 'Null after an unmute' })),
    muted_by: Nullable(Type.String())
  },
  { $id: 'Mute', additionalProperties: false }
)
export type Mute = Static<typeof muteSchema>

/** `DELETE /api/groups/:group_id/members/:member_id?ban=true`: only `ban` is allowed. */
export const memberRemoveQuerySchema = Type.Object(
  { ban: Type.Optional(Type.Boolean({ description: 'Also ban: no re-add, no rejoin until unbanned' })) },
  { additionalProperties: false }
)
export type MemberRemoveQuery = Static<typeof memberRemoveQuerySchema>
export const memberRemoveQueryValidator = lazyValidator(memberRemoveQuerySchema, queryValidator)

export const groupBanSchema = Type.Object(
  {
    group_id: Type.String(),
    user_id: Type.String(),
    name: Type.String(),
    avatar_url: Nullable(Type.String()),
    banned_by: Nullable(Type.String()),
    created_at: DateTime()
  },
  { $id: 'GroupBan', additionalProperties: false }
)
export type GroupBan = Static<typeof groupBanSchema>

export const groupBanQuerySchema = Type.Object(
  {
    $limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 }))
  },
  { additionalProperties: false }
)
export type GroupBanQuery = Static<typeof groupBanQuerySchema>
export const groupBanQueryValidator = lazyValidator(groupBanQuerySchema, queryValidator)

export const groupBanPageSchema = OffsetPage(groupBanSchema, 'GroupBanPage')
export type GroupBanPage = Static<typeof groupBanPageSchema>

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
// Reports on messages (SPEC §15): `POST /api/messages/:message_id/reports` by a member of the message's chat,
// listed and resolved by the group's owners and admins (`api/groups/:group_id/reports`) and the admin CLI.
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import {
  dataValidator,
  queryValidator,
  DateTime,
  Nullable,
  OffsetPage,
  Text,
  lazyValidator
} from '../../../validators'
import { messageSchema } from '../../messages/messages.schema'

export const reportStatuses = ['open', 'resolved'] as const

export const reportDataSchema = Type.Object(
  { reason: Text({ minLength: 1, maxLength: 1000, visible: true }) },
  { $id: 'ReportData', additionalProperties: false }
)
export type ReportData = Static<typeof reportDataSchema>
export const reportDataValidator = lazyValidator(reportDataSchema, dataValidator)

export const reportPatchSchema = Type.Object(
  {
    status: StringEnum(['resolved']),
    resolution: Type.Optional(Text({ maxLength: 1000, description: 'What was done (a note for the log)' }))
  },
  { $id: 'ReportPatch', additionalProperties: false }
)
export type ReportPatch = Static<typeof reportPatchSchema>
export const reportPatchValidator = lazyValidator(reportPatchSchema, dataValidator)

export const reportQuerySchema = Type.Object(
  {
    status: Type.Optional(StringEnum([...reportStatuses])),
    $limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 }))
  },
  { additionalProperties: false }
)
export type ReportQuery = Static<typeof reportQuerySchema>
export const reportQueryValidator = lazyValidator(reportQuerySchema, queryValidator)

export const reportSchema = Type.Object(
  {
    report_id: Type.String(),
    message_id: Type.String(),
    chat_id: Type.String(),
    group_id: Nullable(Type.String({ description: "Null for a private chat's message (admin CLI only)" })),
    reporter_id: Type.String(),
    reporter: Type.Object({
      user_id: Type.String(),
      name: Type.String(),
      avatar_url: Nullable(Type.String())
    }),
    reason: Type.String(),
    status: StringEnum([...reportStatuses]),
    resolution: Nullable(Type.String()),
    resolved_by: Nullable(Type.String()),
    resolved_at: Nullable(DateTime()),
    created_at: DateTime(),
    message: Nullable(messageSchema)
  },
  { $id: 'Report', additionalProperties: false }
)
export type Report = Static<typeof reportSchema>

export const reportPageSchema = OffsetPage(reportSchema, 'ReportPage')
export type ReportPage = Static<typeof reportPageSchema>

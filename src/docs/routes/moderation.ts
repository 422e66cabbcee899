// The moderation routes of the OpenAPI document (SPEC §15; see ./index.ts): reports, mutes and group bans.
// The audit log has no route: the admin CLI lists it (`audit list`).
import {
  reportDataSchema,
  reportPageSchema,
  reportPatchSchema,
  reportQuerySchema,
  reportSchema
} from '../../services/groups/reports/reports.schema'
import {
  groupBanPageSchema,
  groupBanQuerySchema,
  groupBanSchema,
  muteDataSchema,
  muteSchema
} from '../../services/groups/moderation.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const report = {
  report_id: '01JHB7A1B2C3D4E5F6G7H8J9K0',
  message_id: ex.exampleMessage.message_id,
  chat_id: ex.exampleIds.groupChat,
  group_id: ex.exampleIds.group,
  reporter_id: ex.exampleIds.grace,
  reporter: { user_id: ex.exampleIds.grace, name: 'Grace Hopper', avatar_url: null },
  reason: 'Insulting',
  status: 'open',
  resolution: null,
  resolved_by: null,
  resolved_at: null,
  created_at: '2025-01-15T09:40:00.000Z',
  message: { ...ex.exampleMessage, chat_id: ex.exampleIds.groupChat }
}
const resolved = {
  ...report,
  status: 'resolved',
  resolution: 'Warned the sender',
  resolved_by: ex.exampleIds.ada,
  resolved_at: '2025-01-15T10:00:00.000Z'
}
const mute = {
  group_id: ex.exampleIds.group,
  chat_id: ex.exampleIds.groupChat,
  user_id: ex.exampleIds.grace,
  muted_until: '2025-01-15T12:00:00.000Z',
  muted_by: ex.exampleIds.ada
}
const ban = {
  group_id: ex.exampleIds.group,
  user_id: ex.exampleIds.grace,
  name: 'Grace Hopper',
  avatar_url: null,
  banned_by: ex.exampleIds.ada,
  created_at: '2025-01-15T09:45:00.000Z'
}

export const moderationRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/messages/{message_id}/reports',
    tag: 'moderation',
    summary: 'Report a message',
    description:
      "By a member of the message's chat (not its sender; not a deleted message). Reporting it again while my " +
      "report is open answers that report (200). A group's owners and admins get `created` on " +
      "`api/messages/:message_id/reports`; a private chat's reports are seen by the admin CLI only.",
    feathers: { service: 'api/messages/:message_id/reports', method: 'create' },
    auth: 'bearer',
    body: { schema: reportDataSchema, example: { reason: 'Insulting' } },
    responses: {
      201: json(reportSchema, report, 'Reported'),
      200: json(reportSchema, report, 'My open report on this message')
    },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}/reports',
    tag: 'moderation',
    summary: "A group's reports",
    description:
      'Owner or admin. Newest first, each with its reporter and the message as members see it; `status` ' +
      'filters; an offset page (`$limit` ≤ 100, `$skip`).',
    feathers: { service: 'api/groups/:group_id/reports', method: 'find' },
    auth: 'bearer',
    query: reportQuerySchema,
    responses: {
      200: json(reportPageSchema, { data: [report], limit: 50, skip: 0, has_more: false }, 'Reports')
    },
    errors: [403, 404]
  },
  {
    method: 'patch',
    path: '/api/groups/{group_id}/reports/{report_id}',
    tag: 'moderation',
    summary: 'Resolve a report',
    description:
      'Owner or admin: `{status: "resolved", resolution?}`; audited. A resolved report is answered as it is. ' +
      "The group's owners and admins get `patched` on `api/groups/:group_id/reports`.",
    feathers: { service: 'api/groups/:group_id/reports', method: 'patch' },
    auth: 'bearer',
    body: { schema: reportPatchSchema, example: { status: 'resolved', resolution: 'Warned the sender' } },
    responses: { 200: json(reportSchema, resolved, 'Resolved') },
    errors: [403, 404]
  },
  {
    method: 'post',
    path: '/api/groups/{group_id}/members/{member_id}/mute',
    tag: 'moderation',
    summary: 'Mute a member',
    description:
      'Owner or admin (an admin cannot mute the owner or another admin; nobody mutes themself). Until `until` ' +
      '(future, ≤ `MUTE_MAX_DAYS`, 366 by default) the member cannot send (thread replies included), edit, react or type: 403 with ' +
      '`data.muted_until`, on every instance. The chat gets `created` on ' +
      '`api/groups/:group_id/members/:member_id/mute`. Muting again sets the new time. Audited.',
    feathers: { service: 'api/groups/:group_id/members/:member_id/mute', method: 'create' },
    auth: 'bearer',
    body: { schema: muteDataSchema, example: { until: mute.muted_until } },
    responses: { 201: json(muteSchema, mute, 'Muted') },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/groups/{group_id}/members/{member_id}/mute',
    tag: 'moderation',
    summary: 'Unmute a member',
    description: 'Owner or admin, same rules as muting. The chat gets `removed`. Audited.',
    feathers: { service: 'api/groups/:group_id/members/:member_id/mute', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(muteSchema, { ...mute, muted_until: null }, 'Unmuted') },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}/bans',
    tag: 'moderation',
    summary: "A group's bans",
    description:
      'Owner or admin. Banned users (`DELETE /api/groups/{group_id}/members/{member_id}?ban=true`) cannot be ' +
      'added back until unbanned. Newest first; an offset page.',
    feathers: { service: 'api/groups/:group_id/bans', method: 'find' },
    auth: 'bearer',
    query: groupBanQuerySchema,
    responses: {
      200: json(groupBanPageSchema, { data: [ban], limit: 50, skip: 0, has_more: false }, 'Bans')
    },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/groups/{group_id}/bans/{user_id}',
    tag: 'moderation',
    summary: 'Lift a ban',
    description: 'Owner or admin; the user can be added again. Audited.',
    feathers: { service: 'api/groups/:group_id/bans', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(groupBanSchema, ban, 'The lifted ban') },
    errors: [403, 404]
  }
]

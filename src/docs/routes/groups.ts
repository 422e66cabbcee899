// The groups routes of the OpenAPI document (see ./index.ts).
import { Type } from '@feathersjs/typebox'
import {
  groupDataSchema,
  groupMemberDataSchema,
  groupMemberSchema,
  groupPatchSchema,
  groupSchema,
  leaveResultSchema
} from '../../services/groups/groups.schema'
import { memberRemoveQuerySchema } from '../../services/groups/moderation.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

const emptyObject = Type.Object({}, { additionalProperties: false })

export const groupsRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/groups',
    tag: 'groups',
    summary: 'Create a group',
    description: 'The creator is its `owner`; `member_ids` join as members. The group comes with its chat.',
    feathers: { service: 'api/groups', method: 'create' },
    auth: 'bearer',
    body: {
      schema: groupDataSchema,
      example: {
        name: 'Engine room',
        description: 'Difference and analytical',
        member_ids: [ex.exampleIds.grace]
      }
    },
    responses: { 201: json(groupSchema, ex.exampleGroup, 'The group with its members') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}',
    tag: 'groups',
    summary: 'A group with its members and their roles',
    feathers: { service: 'api/groups', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(groupSchema, ex.exampleGroup, 'The group') },
    errors: [404]
  },
  ...(['put', 'patch'] as const).map((method): RouteDoc => ({
    method,
    path: '/api/groups/{group_id}',
    tag: 'groups',
    summary: 'Change a group',
    description: 'Owner or admin. The chat follows the new name and avatar.',
    feathers: { service: 'api/groups', method: method === 'put' ? 'update' : 'patch' },
    auth: 'bearer',
    body: { schema: groupPatchSchema, example: { description: 'Now with punched cards' } },
    responses: { 200: json(groupSchema, { ...ex.exampleGroup, description: 'Now with punched cards' }) },
    errors: [403, 404]
  })),
  {
    method: 'delete',
    path: '/api/groups/{group_id}',
    tag: 'groups',
    summary: 'Delete a group',
    description: 'Owner only. Removes the group, its chat and its messages.',
    feathers: { service: 'api/groups', method: 'remove' },
    auth: 'bearer',
    responses: {
      200: json(groupSchema, {
        ...ex.exampleGroup,
        members: undefined,
        member_ids: [ex.exampleIds.ada, ex.exampleIds.grace]
      })
    },
    errors: [403, 404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}/members',
    tag: 'groups',
    summary: "A group's members",
    feathers: { service: 'api/groups/:group_id/members', method: 'find' },
    auth: 'bearer',
    responses: { 200: json(Type.Array(groupMemberSchema), [ex.exampleGroupMember], 'The members') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/groups/{group_id}/members/{member_id}',
    tag: 'groups',
    summary: 'One member of a group',
    feathers: { service: 'api/groups/:group_id/members', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(groupMemberSchema, ex.exampleGroupMember, 'The member') },
    errors: [404]
  },
  {
    method: 'post',
    path: '/api/groups/{group_id}/members',
    tag: 'groups',
    summary: 'Add members',
    description:
      'Owner or admin. `{user_ids: [...]}` or `{user_id}`; `role: admin` is for the owner to grant. Returns ' +
      'the members actually added (already-members are skipped).',
    feathers: { service: 'api/groups/:group_id/members', method: 'create' },
    auth: 'bearer',
    body: { schema: groupMemberDataSchema, example: { user_ids: [ex.exampleIds.grace], role: 'member' } },
    responses: {
      201: json(Type.Array(groupMemberSchema), [ex.exampleGroupMember], 'The added members'),
      200: json(Type.Array(groupMemberSchema), [], 'Nobody added: all were members already')
    },
    errors: [403, 404]
  },
  {
    method: 'delete',
    path: '/api/groups/{group_id}/members/{member_id}',
    tag: 'groups',
    summary: 'Remove a member',
    description:
      'Owner or admin; an admin cannot remove the owner or another admin. With `?ban=true` the user is also ' +
      'banned (`reason: "banned"`): no re-add until `DELETE /api/groups/{group_id}/bans/{user_id}`. Audited.',
    feathers: { service: 'api/groups/:group_id/members', method: 'remove' },
    auth: 'bearer',
    query: memberRemoveQuerySchema,
    responses: { 200: json(groupMemberSchema, { ...ex.exampleGroupMember, reason: 'removed' }) },
    errors: [403, 404]
  },
  {
    method: 'post',
    path: '/api/groups/{group_id}/leave',
    tag: 'groups',
    summary: 'Leave a group',
    description:
      'An owner hands over to the longest-standing admin, else member; the last member leaving deletes the ' +
      'group (`group_deleted: true`).',
    feathers: { service: 'api/groups/:group_id/leave', method: 'create' },
    auth: 'bearer',
    body: { schema: emptyObject, required: false, example: {} },
    responses: {
      200: json(leaveResultSchema, {
        ...ex.exampleGroupMember,
        reason: 'left',
        group_deleted: false
      })
    },
    errors: [404]
  }
]

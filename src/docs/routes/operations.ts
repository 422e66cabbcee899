// The operations routes of the OpenAPI document (see ./index.ts).
import { Type } from '@feathersjs/typebox'
import { healthSchema } from '../../middleware/health.schema'
import { json, type RouteDoc } from './types'

const idle = { running: 0, waiting: 0, stalled_ms: 0 }

export const operationsRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'Health check',
    description:
      '`degraded` (still 200) when Redis is configured but down; 503 when PostgreSQL does not answer in 1 s, ' +
      'or `saturated` when every call slot has been held for `ADMISSION_STALL_MS` without one finishing.',
    auth: 'none',
    responses: {
      200: json(
        healthSchema,
        { status: 'ok', database: 'up', redis: 'up', admission: idle, uptime_s: 3600 },
        'Serving'
      ),
      503: json(
        healthSchema,
        { status: 'unavailable', database: 'down', redis: 'up', admission: idle, uptime_s: 3600 },
        'PostgreSQL is unreachable, or every call slot is stuck (`saturated`)'
      )
    }
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    auth: 'none',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        contentType: 'text/plain',
        schema: Type.String(),
        example: '# HELP chat_socket_connections Open real-time connections\nchat_socket_connections 3\n'
      }
    }
  }
]

// The body of GET /health (src/middleware/health.ts), as the API documentation describes it.
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'

export const healthSchema = Type.Object(
  {
    status: StringEnum(['ok', 'degraded', 'saturated', 'unavailable']),
    database: StringEnum(['up', 'down']),
    redis: StringEnum(['up', 'down', 'not_configured']),
    admission: Type.Object(
      { running: Type.Integer(), waiting: Type.Integer(), stalled_ms: Type.Integer() },
      { additionalProperties: false }
    ),
    uptime_s: Type.Integer()
  },
  { $id: 'Health', additionalProperties: false }
)
export type Health = Static<typeof healthSchema>

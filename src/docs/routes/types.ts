// The shape of one documented REST operation, and a helper for JSON responses.
import type { TSchema } from '@feathersjs/typebox'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** `bearer`: `Authorization: Bearer <access_token>`; `bearer-or-query` also takes `?access_token=`. */
export type Auth = 'none' | 'bearer' | 'bearer-or-query'

export interface ResponseDoc {
  description: string
  schema?: TSchema
  example?: unknown
  /** Default `application/json`. */
  contentType?: string
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>
}

export interface RouteDoc {
  method: HttpMethod
  /** OpenAPI path: `/api/chats/{chat_id}/messages`. */
  path: string
  tag: string
  summary: string
  description?: string
  /** The Feathers service and method behind the route (absent for plain Koa routes). */
  feathers?: { service: string; method: string; rest_only?: boolean }
  auth: Auth
  body?: {
    schema: TSchema
    required?: boolean
    example?: unknown
    /** Default `application/json`. */
    contentType?: string
    /** Multipart: the order of the form fields matters (`purpose` before `file`). */
    encoding?: Record<string, { contentType: string }>
  }
  query?: TSchema
  headerParams?: Array<{ name: string; description: string; schema: Record<string, unknown> }>
  responses: Record<number, ResponseDoc>
  /** Error statuses besides the ones implied (401 on authenticated routes, 400 with a body or query). */
  errors?: number[]
}

export const json = (schema: TSchema, example?: unknown, description = 'OK'): ResponseDoc => ({
  description,
  schema,
  example
})

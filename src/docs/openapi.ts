// Builds the OpenAPI 3.1 document from the route table (routes/, one file per tag), using the TypeBox schemas
// the services declare (their `*.schema.ts`); ./schema-components.ts turns them into `$ref` components.
//
// Why our own generator and not `feathers-swagger`: its v3 does support Feathers v5, Koa and custom methods,
// but it documents services only, one `docs` object per service, with its own path and error conventions.
// Ours also has plain Koa routes (/health, /metrics), file content download, route placeholders written as
// OpenAPI path parameters (`/api/chats/{chat_id}/messages`), one Feathers error shape with an example per
// status, and Swagger UI served offline (docs.ts). Mapping all that onto feathers-swagger would be no
// smaller than this table, and test/docs.test.ts already holds this document to the real responses.
// OpenAPI 3.1 because its schema objects are JSON Schema 2020-12, which takes TypeBox's
// `anyOf [..., {type: 'null'}]` nullables as they are.
import fs from 'node:fs'
import path from 'node:path'
import { routes, tags, type RouteDoc } from './routes'
import { errorSchema } from './schemas'
import { SchemaComponents } from './schema-components'
import { errorResponses } from './error-responses'
import { overview, realtimeDescription } from './descriptions'

export { SchemaComponents }
export { realtimeDescription }

export interface OpenApiOptions {
  /** MAX_FILE_SIZE, shown on the upload route. */
  maxFileSize?: number
  /** Defaults to the package version. */
  version?: string
}

type Json = Record<string, any>

/** camelCase of the Feathers service and method (`apiChatsChatIdMessagesCreate`), else of method and path. */
const toOperationId = (route: RouteDoc) =>
  (route.feathers ? `${route.feathers.service} ${route.feathers.method}` : `${route.method} ${route.path}`)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word.toLowerCase() : word[0].toUpperCase() + word.slice(1)))
    .join('')

const isObjectSchema = (schema: Json): boolean =>
  schema.type === 'object' || (Array.isArray(schema.anyOf) && schema.anyOf.some(isObjectSchema))

const packageVersion = () => {
  // Walks up from this file: src/docs in development, lib/src/docs once compiled.
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) return String(JSON.parse(fs.readFileSync(file, 'utf8')).version ?? '0.0.0')
  }
  return '0.0.0'
}

export const buildOpenApi = (options: OpenApiOptions = {}): Json => {
  const components = new SchemaComponents()
  const errorRef = components.use(errorSchema)
  const paths: Record<string, Json> = {}
  const usedErrors = new Set<number>()

  for (const route of routes) {
    const item = (paths[route.path] ??= {})
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is documented twice`)

    const parameters: Json[] = []
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push({
        name: match[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'ULID'
      })
    }
    if (route.query) {
      const query = components.use(route.query)
      const required: string[] = query.required ?? []
      for (const [name, schema] of Object.entries<Json>(query.properties ?? {})) {
        parameters.push({
          name,
          in: 'query',
          required: required.includes(name),
          schema,
          ...(schema.description ? { description: schema.description } : {}),
          ...(isObjectSchema(schema) ? { style: 'deepObject', explode: true } : {})
        })
      }
    }
    for (const header of route.headerParams ?? []) {
      parameters.push({ in: 'header', required: false, ...header })
    }

    const responses: Json = {}
    for (const [status, response] of Object.entries(route.responses)) {
      const media: Json = {}
      if (response.schema) media.schema = components.use(response.schema)
      if (response.example !== undefined) media.example = response.example
      responses[status] = {
        description: response.description,
        ...(response.headers ? { headers: response.headers } : {}),
        ...(response.schema ? { content: { [response.contentType ?? 'application/json']: media } } : {})
      }
    }
    const errors = new Set(route.errors ?? [])
    if (route.body || route.query) errors.add(400)
    if (route.auth !== 'none') errors.add(401)
    for (const status of [...errors].sort((a, b) => a - b)) {
      if (!errorResponses[status]) throw new Error(`No error response documented for ${status}`)
      usedErrors.add(status)
      responses[status] = { $ref: `#/components/responses/${errorResponses[status].key}` }
    }
    if (route.path.startsWith('/api/')) {
      responses.default = {
        description:
          'Any other failure in the same shape: 500 `GeneralError`, 503 `Unavailable` (database down)',
        content: { 'application/json': { schema: errorRef } }
      }
    }

    const feathers = route.feathers
    const description = [
      route.description,
      route.path === '/api/uploads' && options.maxFileSize
        ? `MAX_FILE_SIZE on this server: ${options.maxFileSize} bytes.`
        : undefined,
      feathers
        ? `Feathers service \`${feathers.service}\` · \`${feathers.method}\`` +
          (feathers.rest_only ? ' (REST only).' : ', also callable over Socket.IO with the same hooks.')
        : undefined
    ]
      .filter(Boolean)
      .join('\n\n')

    item[route.method] = {
      tags: [route.tag],
      summary: route.summary,
      ...(description ? { description } : {}),
      operationId: toOperationId(route),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.body.required ?? true,
              content: {
                [route.body.contentType ?? 'application/json']: {
                  schema: components.use(route.body.schema),
                  ...(route.body.example !== undefined ? { example: route.body.example } : {}),
                  ...(route.body.encoding ? { encoding: route.body.encoding } : {})
                }
              }
            }
          }
        : {}),
      responses,
      ...(route.auth === 'bearer' ? { security: [{ bearerAuth: [] }] } : {}),
      ...(route.auth === 'bearer-or-query'
        ? { security: [{ bearerAuth: [] }, { accessTokenQuery: [] }] }
        : {}),
      ...(feathers ? { 'x-feathers-service': feathers.service, 'x-feathers-method': feathers.method } : {})
    }
  }

  const responseComponents: Json = {}
  for (const status of [...usedErrors].sort((a, b) => a - b)) {
    const { key, description, example } = errorResponses[status]
    responseComponents[key] = {
      description,
      ...(status === 429
        ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
        : {}),
      content: { 'application/json': { schema: errorRef, example } }
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Chat backend API',
      version: options.version ?? packageVersion(),
      description: `${overview}\n\n${realtimeDescription}`
    },
    tags,
    paths,
    components: {
      schemas: components.schemas,
      responses: responseComponents,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The `access_token` from `POST /api/auth/login` (or `accessToken` from `/api/authentication`)'
        },
        accessTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'The same token in the query string, for `<img src>` (file content only)'
        }
      }
    }
  }
}

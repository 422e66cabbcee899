// Builds the OpenAPI 3.1 document from the route table (routes/, one file per tag). TypeBox schemas are JSON Schema already;
// every schema with an `$id` becomes a component (`#/components/schemas/<$id>`) referenced where it is used,
// and two different schemas claiming one `$id` stop the build. OpenAPI 3.1 because its schema objects are
// JSON Schema 2020-12, which takes TypeBox's `anyOf [..., {type: 'null'}]` nullables as they are.
import fs from 'node:fs'
import path from 'node:path'
import type { TSchema } from '@feathersjs/typebox'
import { routes, tags, type RouteDoc } from './routes'
import { errorSchema } from './schemas'
import { exampleError } from './examples'

export interface OpenApiOptions {
  /** MAX_FILE_SIZE, shown on the upload route. */
  maxFileSize?: number
  /** Defaults to the package version. */
  version?: string
}

type Json = Record<string, any>

/** Turns TypeBox schemas into plain JSON Schema, collecting `$id` schemas as named components. */
export class SchemaComponents {
  readonly schemas: Record<string, Json> = {}
  private readonly serialized = new Map<string, string>()

  /** A schema for use in the document: a `$ref` when it has an `$id`, else the schema inline. */
  use(schema: TSchema | Json): Json {
    // The JSON round trip drops TypeBox's symbol keys (Kind, Modifier) and undefined values.
    return this.convert(JSON.parse(JSON.stringify(schema)))
  }

  private convert(node: any, isComponentRoot = false): any {
    if (Array.isArray(node)) return node.map((item) => this.convert(item))
    if (node === null || typeof node !== 'object') return node
    if (typeof node.$id === 'string' && !isComponentRoot) return this.register(node)
    const out: Json = {}
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue
      // `properties`, `patternProperties`… map names to schemas: their keys are not keywords
      out[key] = this.convert(value)
    }
    return out
  }

  private register(node: Json): Json {
    const name: string = node.$id
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`Schema $id "${name}" is not a valid component name`)
    const body = this.convert(node, true)
    const text = JSON.stringify(body)
    const known = this.serialized.get(name)
    if (known === undefined) {
      this.serialized.set(name, text)
      this.schemas[name] = body
    } else if (known !== text) {
      throw new Error(`Two different schemas share the $id "${name}": give one of them another $id`)
    }
    return { $ref: `#/components/schemas/${name}` }
  }
}

/** Error responses by status: the Feathers error shape with an example. */
const errorResponses: Record<number, { key: string; description: string; example: Json }> = {
  400: {
    key: 'BadRequest',
    description: 'Invalid input: the message names the field',
    example: exampleError(400, 'BadRequest', 'bad-request', 'Invalid data: email must match format "email"', [
      { instancePath: '/email', keyword: 'format', message: 'must match format "email"', params: {} }
    ])
  },
  401: {
    key: 'NotAuthenticated',
    description: 'Missing, invalid or expired token, ended session, or wrong credentials',
    example: exampleError(401, 'NotAuthenticated', 'not-authenticated', 'Not authenticated')
  },
  403: {
    key: 'Forbidden',
    description: 'A member without the needed role (or not the author / uploader)',
    example: exampleError(403, 'Forbidden', 'forbidden', 'Only the owner or an admin can do this')
  },
  404: {
    key: 'NotFound',
    description: 'Does not exist, or you are not allowed to see it (the same answer)',
    example: exampleError(404, 'NotFound', 'not-found', 'Chat not found')
  },
  409: {
    key: 'Conflict',
    description: 'Conflicts with an existing record',
    example: exampleError(409, 'Conflict', 'conflict', 'An account with this email already exists')
  },
  413: {
    key: 'PayloadTooLarge',
    description: 'The request body or the file is too large',
    example: exampleError(
      413,
      'PayloadTooLarge',
      'payload-too-large',
      'File is larger than the limit of 10485760 bytes',
      {
        maxFileSize: 10485760
      }
    )
  },
  415: {
    key: 'UnsupportedMediaType',
    description: 'This kind of file is not accepted for this purpose',
    example: exampleError(
      415,
      'UnsupportedMediaType',
      'unsupported-media-type',
      'A avatar must be one of image/png, image/jpeg, image/gif, image/webp (this file is application/pdf)'
    )
  },
  416: {
    key: 'RangeNotSatisfiable',
    description: 'The byte range is outside the file',
    example: exampleError(
      416,
      'RangeNotSatisfiable',
      'range-not-satisfiable',
      'Range not satisfiable for 48213 bytes',
      {
        size: 48213
      }
    )
  },
  429: {
    key: 'TooManyRequests',
    description: 'Rate limited: retry after `Retry-After` seconds',
    example: exampleError(429, 'TooManyRequests', 'too-many-requests', 'Too many requests, retry later', {
      retryAfter: 12
    })
  }
}

export const realtimeDescription = `## Realtime (Socket.IO)

Every route above is a Feathers service method, callable over Socket.IO with the same hooks
(\`client.service('api/chats/:chat_id/messages').create(data, { route: { chat_id } })\`: route parameters go in
\`params.route\`). Authenticate the socket with \`POST /api/authentication\` (\`{strategy: 'jwt', accessToken}\`)
over the connection; it then joins \`users/<user_id>\` and \`chats/<chat_id>\` for each of its chats, and
membership changes move live connections at once.

| seed event | Feathers service · event (listen on the template path) | payload | who receives it |
|---|---|---|---|
| \`new_message\` | \`api/messages\` · \`created\` | the message | members of the chat |
| \`message_edited\` | \`api/messages\` · \`patched\` (PUT and PATCH) | the message | members of the chat |
| \`message_deleted\` | \`api/messages\` · \`removed\` | the tombstone | members of the chat |
| \`user_status\` | \`api/users/status\` · \`user_status\` | \`{user_id, status, last_seen}\` | users sharing a chat with that user, and the user's own connections |
| \`typing_start\` / \`typing_stop\` | \`api/chats/:chat_id/typing\` · \`typing_start\` / \`typing_stop\` | \`{chat_id, user_id}\` | the *other* members of the chat; \`typing_stop\` also comes by itself 5 s after the last \`typing: true\` |
| read receipts | \`api/chats/:chat_id/mark-read\` · \`read\` | \`{chat_id, user_id, last_read_seq}\` | members of the chat |
| new private chat | \`api/chats\` · \`created\` | the chat as each member sees it (\`other_user\` is the other one) | both users |
| group created / changed / deleted | \`api/groups\` · \`created\` / \`patched\` / \`removed\` | the group (\`members\` on created; \`member_ids\` on removed) | its members |
| member added / removed / left | \`api/groups/:group_id/members\` · \`created\` / \`removed\` | \`{group_id, chat_id, user_id, role, joined_at, name, avatar_url, reason?}\` | the group's members and the user concerned |
| own profile changed | \`api/users\` · \`patched\` | the user | that user's own connections |

Events are emitted under the service's **template path**, so a client listens on
\`client.service('api/chats/:chat_id/typing').on('typing_start', …)\` and filters on \`chat_id\`.

**Reconnect.** Keep the highest \`seq\` seen per chat; after a reconnect page
\`GET /api/chats/{chat_id}/messages?after_seq=<seq>\` (oldest first) until \`has_more\` is false, and apply
messages by \`seq\`, ignoring any already applied.`

const overview = `A realtime chat backend on FeathersJS v5: every resource is a Feathers service served over REST (Koa)
and Socket.IO with the same hooks (authentication, validation, membership).

JSON in and out, \`snake_case\` fields, ids are ULIDs. Errors have the Feathers shape
\`{name, message, code, className, data?}\`; validation errors are 400s whose message names the field. Anyone
outside a chat, group, message or file gets **404** for it, exactly as if it did not exist; a member without
the needed role gets **403**.

**Authentication.** \`POST /api/auth/login\` returns \`access_token\` (a JWT, sent as
\`Authorization: Bearer <access_token>\`; use the *Authorize* button below) and a one-use \`refresh_token\`
(\`POST /api/auth/refresh\`).`

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

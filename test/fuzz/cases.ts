// Fuzz cases built from what the server says it serves: REST operations from the OpenAPI document
// (GET /docs/openapi.json) and Socket.IO methods from the registered services (app.services and each
// service's `methods`). Nothing here lists a route by hand, so a new route or method is fuzzed at once.
import fc from 'fast-check'
import { gzipSync } from 'node:zlib'
import type { World } from './world'
import {
  CONTENT_ENCODINGS,
  CONTENT_TYPES,
  PROTOTYPE_NAMES,
  RAW_QUERIES,
  RAW_SEGMENTS,
  anyJson,
  authorization,
  encodeLoosely,
  hostileBody,
  hostileId,
  hostileQuery,
  hostileString
} from './values'

export interface RestOperation {
  /** `POST /api/chats/{chat_id}/messages`: the key of the summary table. */
  name: string
  method: string
  path: string
  pathParams: string[]
  queryParams: string[]
  /** The JSON request body schema (dereferenced), or undefined when the operation takes none. */
  bodySchema?: any
  multipart: boolean
}

export interface SocketMethod {
  name: string
  path: string
  method: string
}

/** Inlines every `#/components/...` reference (the document has no cycles). */
const deref = (doc: any, node: any): any => {
  if (Array.isArray(node)) return node.map((item) => deref(doc, item))
  if (node === null || typeof node !== 'object') return node
  if (typeof node.$ref === 'string') {
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((value: any, key: string) => value?.[key], doc)
    return deref(doc, target)
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, deref(doc, value)]))
}

const VERBS = ['get', 'post', 'put', 'patch', 'delete']

/** One of the ids `list()` holds when the case is generated: a reseeded world gives its new ids. */
const current = (list: () => string[]) =>
  fc.nat({ max: 1000 }).map((n) => {
    const ids = list()
    return ids[n % ids.length]
  })

export const restOperations = (doc: any): RestOperation[] =>
  Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    VERBS.filter((verb) => item[verb]).map((verb) => {
      const op = deref(doc, item[verb])
      const params: any[] = op.parameters ?? []
      const content = op.requestBody?.content ?? {}
      return {
        name: `${verb.toUpperCase()} ${path}`,
        method: verb.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodySchema: content['application/json']?.schema,
        multipart: Boolean(content['multipart/form-data'])
      }
    })
  )

export const socketMethods = (
  services: Array<{ path: string; methods: readonly string[] }>
): SocketMethod[] =>
  services.flatMap(({ path, methods }) =>
    methods.map((method) => ({ name: `${method} ${path}`, path, method }))
  )

/** A value for a JSON schema: mostly of the right type (so validation passes and the service runs), or hostile. */
const valueFor = (schema: any, world: World, strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> => {
  const hostile = anyJson(strings)
  if (!schema || typeof schema !== 'object') return hostile
  const options = schema.anyOf ?? schema.oneOf
  if (Array.isArray(options)) return fc.oneof(...options.map((s: any) => valueFor(s, world, strings)))
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), hostile)
  if (Array.isArray(schema.enum)) return fc.oneof(fc.constantFrom(...schema.enum), hostile)
  const typed = (() => {
    switch (schema.type) {
      case 'string':
        if (schema.format === 'email')
          return fc.constantFrom(world.alice.email, `fuzz.${Date.now()}@example.com`)
        return fc.oneof(
          current(() => [...world.allIds(), world.alice.password, 'hello']),
          fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) }),
          strings
        )
      case 'integer':
      case 'number':
        return fc.oneof(fc.integer({ min: -2, max: 200 }), fc.constantFrom(2 ** 31, -(2 ** 53), 1e308, 0.5))
      case 'boolean':
        return fc.boolean()
      case 'array':
        return fc.array(valueFor(schema.items, world, strings), { maxLength: 4 })
      case 'object':
        return objectFor(schema, world, strings)
      default:
        return undefined
    }
  })()
  return typed ? fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: hostile }) : hostile
}

const objectFor = (schema: any, world: World, strings: fc.Arbitrary<string>) => {
  const properties: Record<string, any> = schema.properties ?? {}
  const entries = Object.entries(properties).map(([key, s]) =>
    fc.option(valueFor(s, world, strings), { nil: undefined, freq: 4 }).map((value) => [key, value] as const)
  )
  return fc
    .tuple(...entries)
    .map((pairs) => Object.fromEntries(pairs.filter(([, value]) => value !== undefined)))
}

export interface RestCase {
  op: RestOperation
  url: string
  auth?: string
  headers: Record<string, string>
  body?: string | Buffer
  /** What the case sends, for the failure message (bodies cut short). */
  describe: string
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/** A multipart body with garbage where the parts should be, or a part with no file. */
const hostileMultipart = fc.constantFrom(
  { type: 'multipart/form-data; boundary=X', body: '--X\r\n\r\n--X--' },
  { type: 'multipart/form-data; boundary=X', body: 'not multipart at all' },
  {
    type: 'multipart/form-data; boundary=X',
    body: '--X\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nmessage\r\n--X--'
  },
  {
    type: 'multipart/form-data; boundary=X',
    body: '--X\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nnot a png\r\n--X--'
  },
  {
    type: 'multipart/form-data; boundary=X',
    body: `--X\r\nContent-Disposition: form-data; name="${'__proto__'}"\r\n\r\nx\r\n--X--`
  }
)

export const restCase = (ops: RestOperation[], world: World, bogusTokens: string[]) => {
  const strings = hostileString(2000) // URLs longer than Node's 16 KB header limit are not ours to answer
  const segment = (param: string) =>
    fc.oneof(
      { weight: 4, arbitrary: current(() => world.mine[param] ?? world.allIds()) },
      { weight: 1, arbitrary: current(() => world.theirs[param] ?? world.allIds()) },
      { weight: 4, arbitrary: hostileId(current(world.allIds), 2000).map(encodeLoosely) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS, ...PROTOTYPE_NAMES) }
    )
  return fc
    .constantFrom(...ops)
    .chain((op) =>
      fc.record({
        op: fc.constant(op),
        segments: fc.tuple(...op.pathParams.map(segment)),
        query: fc.oneof(
          { weight: 6, arbitrary: hostileQuery(op.queryParams, strings) },
          { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) }
        ),
        auth: authorization(() => `Bearer ${world.alice.access_token}`, bogusTokens),
        contentType: fc.oneof(
          { weight: 8, arbitrary: fc.constant('application/json') },
          { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }
        ),
        encoding: fc.oneof(
          { weight: 12, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constant('gzip-real') },
          { weight: 1, arbitrary: fc.constantFrom(...CONTENT_ENCODINGS) }
        ),
        body: op.bodySchema
          ? hostileBody(objectFor(op.bodySchema, world, strings), strings)
          : fc.option(hostileBody(fc.constant({}), strings), { freq: 5 }),
        multipart: op.multipart ? fc.option(hostileMultipart, { freq: 2 }) : fc.constant(null),
        hugeBody: fc.oneof(
          { weight: 50, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) }
        )
      })
    )
    .map((c): RestCase => {
      let path = c.op.path
      c.op.pathParams.forEach((param, i) => (path = path.replace(`{${param}}`, c.segments[i])))
      const headers: Record<string, string> = {}
      let body: string | Buffer | undefined
      if (c.multipart) {
        headers['content-type'] = c.multipart.type
        body = c.multipart.body
      } else if (WITH_BODY.has(c.op.method) || c.body !== null) {
        headers['content-type'] = c.contentType
        body = c.hugeBody ? JSON.stringify({ content: 'x'.repeat(1_100_000) }) : JSON.stringify(c.body ?? {})
        if (c.encoding === 'gzip-real') {
          headers['content-encoding'] = 'gzip'
          body = gzipSync(body)
        } else if (c.encoding) headers['content-encoding'] = c.encoding
      }
      if (c.auth) headers.authorization = c.auth
      const url = c.query ? `${path}?${c.query}` : path
      const shown = typeof body === 'string' ? body.slice(0, 300) : body ? '<gzip>' : ''
      return {
        op: c.op,
        url,
        auth: c.auth,
        headers,
        body,
        describe: `${c.op.method} ${url.slice(0, 300)} ${JSON.stringify(headers).slice(0, 200)} ${shown}`
      }
    })
}

export interface SocketCase {
  method: SocketMethod
  anonymous: boolean
  path: string
  args: unknown[]
  describe: string
}

const SOCKET_VERBS: Record<string, string> = {
  find: 'GET',
  get: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  remove: 'DELETE'
}

/** The REST operation a socket method shares its hooks and schemas with, and the name of its id parameter. */
const restTwin = (method: SocketMethod, ops: RestOperation[]) => {
  const base = `/${method.path.replace(/:(\w+)/g, '{$1}')}`
  const verb = SOCKET_VERBS[method.method]
  const withId = ops.find(
    (op) =>
      op.method === verb &&
      op.path.startsWith(`${base}/{`) &&
      op.path.split('/').length === base.split('/').length + 1
  )
  const withoutId = ops.find((op) => op.method === verb && op.path === base)
  const takesId = method.method !== 'find' && method.method !== 'create'
  const op = takesId ? (withId ?? withoutId) : withoutId
  const idParam = withId ? withId.pathParams[withId.pathParams.length - 1] : undefined
  return { op, idParam }
}

/** Socket.IO payloads stay under the server's maxHttpBufferSize (above it the server drops the connection). */
export const socketCase = (methods: SocketMethod[], ops: RestOperation[], world: World) => {
  const strings = hostileString(50_000)
  const realId = (param?: string) =>
    fc.oneof(
      { weight: 4, arbitrary: current(() => (param && world.mine[param]) || world.allIds()) },
      { weight: 1, arbitrary: current(() => (param && world.theirs[param]) || world.allIds()) }
    )
  const id = (param?: string) =>
    fc.oneof(
      { weight: 3, arbitrary: hostileId(realId(param), 50_000) },
      { weight: 1, arbitrary: anyJson(strings) }
    )
  const queryFor = (op?: RestOperation) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      {
        weight: 3,
        arbitrary: fc.dictionary(
          fc.oneof(
            fc.constantFrom(...(op?.queryParams.length ? op.queryParams : ['q'])),
            fc.constantFrom(
              '$limit',
              '$skip',
              '$sort',
              '$select',
              '$or',
              '$where',
              '$regex',
              ...PROTOTYPE_NAMES
            )
          ),
          fc.oneof(strings, anyJson(strings)),
          { maxKeys: 3 }
        )
      },
      { weight: 1, arbitrary: anyJson(strings) }
    )
  return fc
    .constantFrom(...methods)
    .chain((method) => {
      const { op, idParam } = restTwin(method, ops)
      const params = method.path.match(/:(\w+)/g)?.map((p) => p.slice(1)) ?? []
      return fc.record({
        method: fc.constant(method),
        anonymous: fc.oneof(
          { weight: 5, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) }
        ),
        path: fc.oneof(
          { weight: 10, arbitrary: fc.constant(method.path) },
          { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, '', '/', 'api', 'api/', 'api/users/') },
          { weight: 1, arbitrary: anyJson(strings) }
        ),
        fill: fc.tuple(
          ...params.map((param) =>
            fc.oneof(
              { weight: 4, arbitrary: realId(param) },
              { weight: 2, arbitrary: hostileId(realId(param), 2000) }
            )
          )
        ),
        id: id(idParam),
        data: hostileBody(
          op?.bodySchema
            ? objectFor(op.bodySchema, world, strings)
            : fc.dictionary(fc.string({ maxLength: 12 }), anyJson(strings), { maxKeys: 4 }),
          strings
        ),
        query: queryFor(op),
        extraArgs: fc.oneof(
          { weight: 10, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.array(anyJson(strings), { minLength: 1, maxLength: 3 }) }
        )
      })
    })
    .map((c): SocketCase => {
      let path = c.path
      let i = 0
      if (typeof path === 'string') path = path.replace(/:(\w+)/g, () => String(c.fill[i++]))
      const m = c.method.method
      const args =
        m === 'find'
          ? [c.query]
          : m === 'create'
            ? [c.data, c.query]
            : m === 'get' || m === 'remove'
              ? [c.id, c.query]
              : [c.id, c.data, c.query]
      const all = [path, ...args, ...c.extraArgs]
      return {
        method: c.method,
        anonymous: c.anonymous,
        path: typeof path === 'string' ? path : JSON.stringify(path),
        args: all,
        describe: `${c.anonymous ? 'anonymous ' : ''}${m} ${JSON.stringify(all).slice(0, 400)}`
      }
    })
}

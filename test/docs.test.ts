import assert from 'node:assert/strict'
// The API documentation: GET /docs/openapi.json (OpenAPI 3.1 built from the services' TypeBox schemas) and
// GET /docs (Swagger UI from swagger-ui-dist, same-origin only). Besides the document's shape, these tests
// hold it to the code: every route in README's API tables and every REST method of every registered service
// must be documented, examples must match their schemas, and real responses must match the documented ones.
import fs from 'node:fs'
import { request as httpRequest } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { getServiceOptions } from '@feathersjs/feathers'
import { Ajv, addFormats } from '@feathersjs/schema'
import { Type } from '@feathersjs/typebox'
import { Validator } from '@seriousme/openapi-schema-validator'
import { SchemaComponents } from '../src/docs/openapi'
import { registerDataSchema, loginDataSchema } from '../src/services/auth/auth.schema'
import { messageDataSchema } from '../src/services/messages/messages.schema'
import { groupDataSchema, groupPatchSchema } from '../src/services/groups/groups.schema'
import { createUser, http, startServer, uniqueEmail, type HttpResult, type TestServer } from './helpers'

// GET with the path exactly as written: fetch normalizes `%2e%2e` segments (WHATWG URL), which would send
// `/docs/%2e%2e/package.json` as `/package.json` and test the web client's fallback instead of /docs.
const rawGet = (base: string, rawPath: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${base}/`, { path: rawPath }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.end()
  })

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8')
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const

/** The lines of a README section (from its `## title` to the next `## `). */
const readmeSection = (title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`)
  assert.ok(start >= 0, `README has a "## ${title}" section`)
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end).split('\n')
}

/** `GET /api/users/:user_id` → ['get', '/api/users/{user_id}']; "`PUT` / `PATCH /api/x`" gives two. */
const readmeRoutes = () => {
  const routes: Array<[string, string]> = []
  for (const line of readmeSection('API')) {
    if (!line.startsWith('| `')) continue
    const cell = line.split('|')[1]
    const route = /(\/api\/[^\s`?]+)/.exec(cell)
    if (!route) continue
    const openApiPath = route[1].replace(/:(\w+)/g, '{$1}')
    for (const [verb] of cell.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\b/g)) {
      routes.push([verb.toLowerCase(), openApiPath])
    }
  }
  return routes
}

/** Inlines every `#/components/...` reference (the document has no cycles). */
const deref = (doc: any, node: any): any => {
  if (Array.isArray(node)) return node.map((item) => deref(doc, item))
  if (node === null || typeof node !== 'object') return node
  if (typeof node.$ref === 'string') {
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((value: any, key: string) => value?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
    assert.ok(target, `$ref ${node.$ref} resolves`)
    return deref(doc, target)
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, deref(doc, value)]))
}

const allRefs = (node: any, refs: string[] = []): string[] => {
  if (Array.isArray(node)) node.forEach((item) => allRefs(item, refs))
  else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string') refs.push(node.$ref)
    Object.values(node).forEach((value) => allRefs(value, refs))
  }
  return refs
}

/** The service schema as it should appear in the document: plain JSON, no `$id`. */
const plain = (schema: unknown) => {
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema))
  return rest
}

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }), [
  'date-time',
  'email',
  'uri',
  'binary'
] as any)

const validate = (schema: any, value: unknown, what: string) => {
  const check = ajv.compile(schema)
  assert.ok(check(value), `${what}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(value).slice(0, 600)}`)
}

describe('API documentation: /docs', () => {
  let server: TestServer
  let url: string
  let doc: any

  const operation = (method: string, openApiPath: string) => {
    const op = doc.paths[openApiPath]?.[method]
    assert.ok(op, `${method.toUpperCase()} ${openApiPath} is documented`)
    return op
  }
  const operations = () =>
    Object.entries<any>(doc.paths).flatMap(([p, item]) =>
      methods.filter((m) => item[m]).map((m) => ({ method: m, path: p, op: item[m] }))
    )
  const requestSchema = (method: string, openApiPath: string) =>
    deref(doc, operation(method, openApiPath).requestBody.content['application/json'].schema)

  /** Checks a real response against the documented one for its status. */
  const conforms = (method: string, openApiPath: string, res: HttpResult) => {
    const response = deref(doc, operation(method, openApiPath).responses[res.status])
    assert.ok(response, `${method.toUpperCase()} ${openApiPath} documents status ${res.status}: ${res.text}`)
    const schema = response.content?.['application/json']?.schema
    assert.ok(schema, `${method.toUpperCase()} ${openApiPath} ${res.status} has a JSON schema`)
    validate(schema, res.body, `${method.toUpperCase()} ${openApiPath} → ${res.status}`)
    return res.body
  }

  let uploadDir: string

  before(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-test-uploads-'))
    server = await startServer({ settings: { uploads: { dir: uploadDir } } })
    url = server.url
    const res = await http(url, 'GET', '/docs/openapi.json')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    doc = res.body
  })
  after(async () => {
    await server.stop()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(typeof doc.info.title, 'string')
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/)
    const result = await new Validator().validate(doc)
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
  })

  it('documents every route of the README API tables with its method', () => {
    const routes = readmeRoutes()
    assert.ok(routes.length >= 30, `README API tables parsed (${routes.length} routes)`)
    for (const [method, openApiPath] of routes) operation(method, openApiPath)
  })

  it('documents the Feathers authentication, upload, file, health and metrics routes', () => {
    for (const [method, openApiPath] of [
      ['post', '/api/authentication'],
      ['delete', '/api/authentication'],
      ['post', '/api/uploads'],
      ['get', '/api/files/{file_id}'],
      ['get', '/api/files/{file_id}/content'],
      ['delete', '/api/files/{file_id}'],
      ['get', '/health'],
      ['get', '/metrics']
    ]) {
      operation(method, openApiPath)
    }
    const upload = operation('post', '/api/uploads')
    const form = upload.requestBody.content['multipart/form-data'].schema
    assert.deepEqual(Object.keys(form.properties), ['purpose', 'file'], 'purpose comes before file')
    assert.deepEqual(form.properties.purpose.enum, ['avatar', 'message', 'group'])
    assert.equal(form.properties.file.format, 'binary')
    for (const status of ['201', '400', '401', '413', '415'])
      assert.ok(upload.responses[status], `upload ${status}`)
    const content = operation('get', '/api/files/{file_id}/content')
    assert.ok(content.responses['206'], 'byte ranges are documented')
    assert.ok(content.parameters.some((p: any) => p.in === 'header' && p.name === 'Range'))
    assert.deepEqual(content.security, [{ bearerAuth: [] }, { accessTokenQuery: [] }])
    assert.deepEqual(doc.components.securitySchemes.accessTokenQuery, {
      ...doc.components.securitySchemes.accessTokenQuery,
      type: 'apiKey',
      in: 'query',
      name: 'access_token'
    })
  })

  it('documents every REST method of every service registered on the app', () => {
    // Every registered service is checked: none is internal-only today. A service registered with no
    // external methods has no REST route (Feathers refuses them over every transport), so it is skipped.
    const services = (server.app as any).services as Record<string, unknown>
    const names = Object.keys(services)
    assert.ok(names.length >= 19, `services registered: ${names.join(', ')}`)
    const documented = (method: string, re: RegExp) =>
      Object.keys(doc.paths).some((p) => re.test(p) && doc.paths[p][method])
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const missing: string[] = []
    for (const name of names) {
      const base = `/${name}`.replace(/:(\w+)/g, '{$1}')
      const exact = new RegExp(`^${escape(base)}$`)
      const withId = new RegExp(`^${escape(base)}(/\\{[^}/]+\\})?$`)
      for (const method of getServiceOptions(services[name])?.methods ?? []) {
        const [verb, re] =
          method === 'find'
            ? ['get', exact]
            : method === 'get'
              ? ['get', new RegExp(`^${escape(base)}/\\{[^}/]+\\}$`)]
              : method === 'create'
                ? ['post', exact]
                : method === 'update'
                  ? ['put', withId]
                  : method === 'patch'
                    ? ['patch', withId]
                    : method === 'remove'
                      ? ['delete', withId]
                      : ['post', exact] // custom methods: POST with X-Service-Method
        if (!documented(verb as string, re as RegExp)) missing.push(`${name} · ${method}`)
      }
    }
    assert.deepEqual(missing, [], 'registered service methods without documentation')
  })

  it("uses the services' own request schemas: required fields and additionalProperties false", () => {
    const register = requestSchema('post', '/api/auth/register')
    assert.deepEqual(register, plain(registerDataSchema))
    assert.deepEqual([...register.required].sort(), ['email', 'name', 'password'])
    assert.equal(register.additionalProperties, false)
    assert.ok(register.properties.avatar_url)

    const login = requestSchema('post', '/api/auth/login')
    assert.deepEqual(login, plain(loginDataSchema))
    assert.deepEqual([...login.required].sort(), ['email', 'password'])
    assert.equal(login.additionalProperties, false)

    const message = requestSchema('post', '/api/chats/{chat_id}/messages')
    assert.deepEqual(message, plain(messageDataSchema))
    assert.deepEqual(message.required, ['content'])
    assert.equal(message.additionalProperties, false)
    assert.deepEqual(Object.keys(message.properties).sort(), [
      'client_id',
      'content',
      'file_id',
      'mentions',
      'reply_to',
      'thread_root_id',
      'type'
    ])

    const group = requestSchema('post', '/api/groups')
    assert.deepEqual(group, plain(groupDataSchema))
    assert.deepEqual(group.required, ['name'])
    assert.equal(group.additionalProperties, false)
    for (const method of ['put', 'patch']) {
      const patch = requestSchema(method, '/api/groups/{group_id}')
      assert.deepEqual(patch, plain(groupPatchSchema))
      assert.equal(patch.additionalProperties, false)
      assert.equal(patch.minProperties, 1)
    }
    for (const { method, path: p, op } of operations()) {
      const json = op.requestBody?.content?.['application/json']
      if (!json) continue
      const schema = deref(doc, json.schema)
      for (const branch of schema.anyOf ?? [schema]) {
        assert.equal(branch.additionalProperties, false, `${method} ${p} body is closed`)
      }
    }
  })

  it('takes query parameters from the query schemas', () => {
    const params = (method: string, p: string) =>
      Object.fromEntries(operation(method, p).parameters.map((x: any) => [`${x.in}:${x.name}`, x]))
    const history = params('get', '/api/chats/{chat_id}/messages')
    assert.equal(history['path:chat_id'].required, true)
    for (const name of ['before', 'after', 'after_seq', 'limit']) assert.ok(history[`query:${name}`], name)
    assert.equal(history['query:after_seq'].schema.type, 'integer')
    const search = params('get', '/api/users/search')
    assert.equal(search['query:q'].required, true)
    assert.equal(search['query:$limit'].required, false)
    assert.ok(params('get', '/api/chats/{chat_id}/messages/search')['query:q'].required)
    assert.deepEqual(
      params('get', '/api/chats')['query:type'].schema.anyOf.map((s: any) => s.const),
      ['private', 'group']
    )
  })

  it('marks routes that need a token with bearer security, and only those', async () => {
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      ...doc.components.securitySchemes.bearerAuth,
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT'
    })
    const publicRoutes = new Set([
      'post /api/auth/register',
      'post /api/auth/login',
      'post /api/auth/refresh',
      'post /api/authentication',
      'get /health',
      'get /metrics',
      // An incoming webhook's secret URL is its own credential (SPEC §15).
      'post /api/hooks/{token}'
    ])
    const registered = new Set(Object.keys((server.app as any).services))
    for (const { method, path: p, op } of operations()) {
      const key = `${method} ${p}`
      if (publicRoutes.has(key)) {
        assert.equal(op.security, undefined, `${key} is public`)
        continue
      }
      assert.ok(
        op.security?.some((s: any) => 'bearerAuth' in s),
        `${key} requires the bearer token`
      )
      assert.ok(op.responses['401'], `${key} documents 401`)
      // The document says a token is needed: the server agrees (routes of registered services only).
      if (!registered.has(op['x-feathers-service'])) continue
      const concrete = p.replace(/\{\w+\}/g, '01JHB6Q7W3ZP4K9M2N5R8T1V6X')
      const res = await http(
        url,
        method.toUpperCase(),
        concrete,
        method === 'get' || method === 'delete' ? {} : { body: {} }
      )
      assert.equal(res.status, 401, `${key} without a token: ${res.status} ${res.text}`)
    }
  })

  it('names each schema once: no $id left, every $ref resolves, operationIds are unique', () => {
    assert.doesNotMatch(JSON.stringify(doc), /"\$id"/)
    for (const ref of new Set(allRefs(doc))) {
      assert.match(ref, /^#\/components\/(schemas|responses)\/[\w.-]+$/)
      deref(doc, { $ref: ref })
    }
    const ids = operations().map(({ op }) => op.operationId)
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique')
    // The internal user row (with password_hash) never appears, only the public user.
    assert.equal(doc.components.schemas.User, undefined)
    assert.doesNotMatch(JSON.stringify(doc.components.schemas), /password_hash|banned_at|storage_key/)
  })

  it('refuses two different schemas under one $id', () => {
    const components = new SchemaComponents()
    components.use(Type.Object({ a: Type.String() }, { $id: 'Thing' }))
    components.use(Type.Object({ a: Type.String() }, { $id: 'Thing' })) // the same schema again is fine
    assert.throws(
      () => components.use(Type.Object({ b: Type.String() }, { $id: 'Thing' })),
      /Two different schemas share the \$id "Thing"/
    )
  })

  it('documents errors in the Feathers shape', () => {
    const error = doc.components.schemas.Error
    assert.deepEqual([...error.required].sort(), ['className', 'code', 'message', 'name'])
    assert.ok(error.properties.data)
    for (const [name, response] of Object.entries<any>(doc.components.responses)) {
      const media = response.content['application/json']
      assert.equal(media.schema.$ref, '#/components/schemas/Error', name)
    }
    assert.ok(doc.components.responses.TooManyRequests.headers['Retry-After'])
  })

  it('documents 200, never 201, for successes that create nothing (SPEC §3)', () => {
    for (const [method, openApiPath] of [
      ['post', '/api/auth/login'],
      ['post', '/api/auth/refresh'],
      ['post', '/api/auth/logout'],
      ['post', '/api/authentication'],
      ['post', '/api/chats/{chat_id}/typing'],
      ['post', '/api/groups/{group_id}/leave']
    ]) {
      const { responses } = operation(method, openApiPath)
      assert.ok(responses['200'], `${method} ${openApiPath} documents 200`)
      assert.equal(responses['201'], undefined, `${method} ${openApiPath} creates nothing`)
    }
    for (const [method, openApiPath] of [
      ['post', '/api/auth/register'],
      ['post', '/api/chats/private'],
      ['post', '/api/chats/{chat_id}/messages'],
      ['post', '/api/groups'],
      ['post', '/api/groups/{group_id}/members'],
      ['post', '/api/uploads']
    ])
      assert.ok(operation(method, openApiPath).responses['201'], `${method} ${openApiPath} documents 201`)
  })

  it('has examples that match their schemas', () => {
    let checked = 0
    for (const { method, path: p, op } of operations()) {
      const media = [
        ...Object.values<any>(op.requestBody?.content ?? {}),
        ...Object.values<any>(op.responses).flatMap((r) => Object.values<any>(deref(doc, r).content ?? {}))
      ]
      for (const m of media) {
        if (m.example === undefined) continue
        validate(deref(doc, m.schema), m.example, `example of ${method.toUpperCase()} ${p}`)
        checked++
      }
    }
    assert.ok(checked > 60, `${checked} examples checked`)
  })

  it('describes the real responses of a session: accounts, chats, messages, groups', async () => {
    const email = uniqueEmail('docs')
    const password = 'correct horse battery'
    const registered = await http(url, 'POST', '/api/auth/register', {
      body: { name: 'Docs', email, password }
    })
    assert.equal(registered.status, 201)
    conforms('post', '/api/auth/register', registered)
    conforms('post', '/api/auth/register', await http(url, 'POST', '/api/auth/register', { body: { email } }))
    const login = await http(url, 'POST', '/api/auth/login', { body: { email, password } })
    const token: string = conforms('post', '/api/auth/login', login).access_token
    const refreshed = await http(url, 'POST', '/api/auth/refresh', {
      body: { refresh_token: login.body.refresh_token }
    })
    conforms('post', '/api/auth/refresh', refreshed)
    const feathersLogin = await http(url, 'POST', '/api/authentication', {
      body: { strategy: 'local', email, password }
    })
    conforms('post', '/api/authentication', feathersLogin)
    conforms(
      'delete',
      '/api/authentication',
      await http(url, 'DELETE', '/api/authentication', { token: feathersLogin.body.accessToken })
    )

    const me = { token }
    const grace = await createUser(url, 'Grace')
    const alan = await createUser(url, 'Alan')
    conforms('get', '/api/users/profile', await http(url, 'GET', '/api/users/profile', me))
    conforms(
      'patch',
      '/api/users/profile',
      await http(url, 'PATCH', '/api/users/profile', { ...me, body: { bio: 'hi' } })
    )
    conforms(
      'put',
      '/api/users/profile',
      await http(url, 'PUT', '/api/users/profile', { ...me, body: { nope: 1 } })
    )
    conforms('get', '/api/users/{user_id}', await http(url, 'GET', `/api/users/${grace.user_id}`, me))
    conforms(
      'get',
      '/api/users/{user_id}',
      await http(url, 'GET', '/api/users/01JHB6Q7W3ZP4K9M2N5R8T1V6X', me)
    )
    conforms('get', '/api/users/search', await http(url, 'GET', '/api/users/search?q=gra', me))
    conforms('get', '/api/users', await http(url, 'GET', `/api/users?user_id=${grace.user_id}`, me))
    conforms(
      'put',
      '/api/users/status',
      await http(url, 'PUT', '/api/users/status', { ...me, body: { status: 'dnd' } })
    )
    conforms('get', '/api/users/profile', await http(url, 'GET', '/api/users/profile'))

    const opened = await http(url, 'POST', '/api/chats/private', { ...me, body: { user_id: grace.user_id } })
    const chatId = conforms('post', '/api/chats/private', opened).chat_id
    conforms(
      'post',
      '/api/chats/private',
      await http(url, 'POST', '/api/chats/private', { ...me, body: { user_id: grace.user_id } })
    )
    const messages = `/api/chats/${chatId}/messages`
    const sent = await http(url, 'POST', messages, {
      ...me,
      body: { content: 'documented words', client_id: 'c1' }
    })
    const messageId = conforms('post', '/api/chats/{chat_id}/messages', sent).message_id
    conforms(
      'post',
      '/api/chats/{chat_id}/messages',
      await http(url, 'POST', messages, { ...me, body: { content: 'again', client_id: 'c1' } })
    )
    conforms(
      'post',
      '/api/chats/{chat_id}/messages',
      await http(url, 'POST', messages, { ...me, body: { content: 'x', seq: 1 } })
    )
    conforms('get', '/api/chats/{chat_id}/messages', await http(url, 'GET', `${messages}?after_seq=0`, me))
    conforms(
      'get',
      '/api/chats/{chat_id}/messages/search',
      await http(url, 'GET', `${messages}/search?q=documented`, me)
    )
    conforms(
      'put',
      '/api/chats/{chat_id}/mark-read',
      await http(url, 'PUT', `/api/chats/${chatId}/mark-read`, { ...me, body: {} })
    )
    conforms(
      'post',
      '/api/chats/{chat_id}/typing',
      await http(url, 'POST', `/api/chats/${chatId}/typing`, { ...me, body: { typing: false } })
    )
    conforms('get', '/api/chats', await http(url, 'GET', '/api/chats', me))
    conforms('get', '/api/chats/{chat_id}', await http(url, 'GET', `/api/chats/${chatId}`, me))
    conforms(
      'get',
      '/api/chats/{chat_id}',
      await http(url, 'GET', `/api/chats/${chatId}`, { token: alan.access_token })
    )
    conforms('get', '/api/messages/{message_id}', await http(url, 'GET', `/api/messages/${messageId}`, me))
    conforms(
      'patch',
      '/api/messages/{message_id}',
      await http(url, 'PATCH', `/api/messages/${messageId}`, { ...me, body: { content: 'edited' } })
    )
    conforms(
      'put',
      '/api/messages/{message_id}',
      await http(url, 'PUT', `/api/messages/${messageId}`, {
        token: grace.access_token,
        body: { content: 'mine?' }
      })
    )
    conforms(
      'delete',
      '/api/messages/{message_id}',
      await http(url, 'DELETE', `/api/messages/${messageId}`, me)
    )

    const created = await http(url, 'POST', '/api/groups', {
      ...me,
      body: { name: 'Docs', member_ids: [grace.user_id] }
    })
    const groupId = conforms('post', '/api/groups', created).group_id
    const group = `/api/groups/${groupId}`
    conforms('get', '/api/groups/{group_id}', await http(url, 'GET', group, me))
    conforms(
      'patch',
      '/api/groups/{group_id}',
      await http(url, 'PATCH', group, { ...me, body: { description: 'd' } })
    )
    conforms(
      'put',
      '/api/groups/{group_id}',
      await http(url, 'PUT', group, { token: grace.access_token, body: { name: 'x' } })
    )
    conforms(
      'post',
      '/api/groups/{group_id}/members',
      await http(url, 'POST', `${group}/members`, { ...me, body: { user_id: alan.user_id } })
    )
    conforms(
      'post',
      '/api/groups/{group_id}/members',
      await http(url, 'POST', `${group}/members`, { ...me, body: { user_id: alan.user_id } })
    )
    conforms('get', '/api/groups/{group_id}/members', await http(url, 'GET', `${group}/members`, me))
    conforms(
      'get',
      '/api/groups/{group_id}/members/{member_id}',
      await http(url, 'GET', `${group}/members/${alan.user_id}`, me)
    )
    conforms(
      'delete',
      '/api/groups/{group_id}/members/{member_id}',
      await http(url, 'DELETE', `${group}/members/${alan.user_id}`, me)
    )
    conforms(
      'post',
      '/api/groups/{group_id}/leave',
      await http(url, 'POST', `${group}/leave`, { token: grace.access_token, body: {} })
    )
    conforms('delete', '/api/groups/{group_id}', await http(url, 'DELETE', group, me))

    conforms('post', '/api/auth/logout', await http(url, 'POST', '/api/auth/logout', { ...me, body: {} }))
    conforms('get', '/health', await http(url, 'GET', '/health'))
  })

  it('describes the real responses of uploads and files (when those services are registered)', async function () {
    if (!(server.app as any).services['api/uploads']) return this.skip()
    const user = await createUser(url, 'Uploader')
    // A 1×1 PNG
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64'
    )
    const form = new FormData()
    form.append('purpose', 'avatar')
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'dot.png')
    const upload = await fetch(`${url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.access_token}` },
      body: form
    })
    const uploaded = { status: upload.status, headers: upload.headers, text: '', body: await upload.json() }
    const file = conforms('post', '/api/uploads', uploaded)
    const me = { token: user.access_token }
    conforms('get', '/api/files/{file_id}', await http(url, 'GET', `/api/files/${file.file_id}`, me))
    const content = await fetch(
      `${url}/api/files/${file.file_id}/content?access_token=${user.access_token}`,
      {
        headers: { range: 'bytes=0-3' }
      }
    )
    assert.equal(content.status, 206)
    assert.ok(operation('get', '/api/files/{file_id}/content').responses['206'])
    conforms('delete', '/api/files/{file_id}', await http(url, 'DELETE', `/api/files/${file.file_id}`, me))
    conforms('get', '/api/files/{file_id}', await http(url, 'GET', `/api/files/${file.file_id}`, me))
  })

  it("copies README's realtime event table into the description", () => {
    const rows = readmeSection('Realtime').filter((line) => line.startsWith('| '))
    assert.ok(rows.length >= 10, 'README realtime table found')
    for (const row of rows) assert.ok(doc.info.description.includes(row), `missing realtime row: ${row}`)
  })

  it('serves Swagger UI at /docs from same-origin assets only, under its own CSP', async () => {
    for (const page of ['/docs', '/docs/']) {
      const res = await http(url, 'GET', page)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
      const csp = res.headers.get('content-security-policy') ?? ''
      assert.match(csp, /default-src 'none'/)
      assert.match(csp, /script-src 'self'(;|$)/)
      assert.match(csp, /connect-src 'self'(;|$)/)
      assert.doesNotMatch(csp, /https?:|\*|unsafe-eval/)
      assert.doesNotMatch(res.text, /<script>|<style>|\son\w+=/i, 'no inline script, style or handler')

      const assets = [...res.text.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1])
      assert.ok(assets.length >= 4, `assets referenced: ${assets.join(', ')}`)
      for (const asset of assets) {
        assert.match(asset, /^\/(?!\/)/, `${asset} is a same-origin path`)
        const served = await fetch(`${url}${asset}`)
        assert.equal(served.status, 200, asset)
        const type = served.headers.get('content-type') ?? ''
        if (asset.endsWith('.js')) assert.match(type, /^text\/javascript/, asset)
        if (asset.endsWith('.css')) assert.match(type, /^text\/css/, asset)
        if (asset.endsWith('.png')) assert.match(type, /^image\/png/, asset)
        const body = await served.text()
        assert.ok(body.length > 0, `${asset} has content`)
        if (asset.endsWith('swagger-ui-bundle.js')) assert.match(body, /SwaggerUIBundle/)
        if (asset.endsWith('swagger-initializer.js')) {
          assert.match(body, /url: "\/docs\/openapi\.json"/)
          assert.match(body, /validatorUrl: null/, 'no remote validator badge')
          assert.doesNotMatch(body, /https?:\/\//)
        }
      }
    }
  })

  it('serves nothing else under /docs', async () => {
    for (const p of [
      '/docs/package.json',
      '/docs/index.html',
      '/docs/..%2fpackage.json',
      '/docs/%2e%2e/package.json'
    ]) {
      const res = await rawGet(url, p)
      assert.equal(res.status, 404, p)
      assert.equal(JSON.parse(res.body).name, 'NotFound')
    }
    assert.equal((await http(url, 'POST', '/docs', { body: {} })).status, 404)
    const head = await fetch(`${url}/docs/openapi.json`, { method: 'HEAD' })
    assert.equal(head.status, 200)
  })
})

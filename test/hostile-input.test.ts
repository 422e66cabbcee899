import assert from 'node:assert/strict'
// Issue 11, finding 11: client input must never produce a 5xx or a stack, on REST and Socket.IO, in every
// environment. Each case below was a 500 (or a stack over Socket.IO) before the fix: path segments named after
// Object.prototype members, bodies that are not JSON objects, a Content-Encoding the body does not have, and
// non-string credentials. The cases are built from the registered services, so a new service is covered too.
import { gzipSync } from 'node:zlib'
import { getServiceOptions } from '@feathersjs/feathers'
import { GeneralError } from '@feathersjs/errors'
import type { Socket } from 'socket.io-client'
import {
  createGroup,
  createUser,
  http,
  rawSocket,
  sendText,
  socketCall,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'
import { assertClientError } from './client-errors'
import { PROTOTYPE_NAMES } from './fuzz/values'

const NOT_AN_OBJECT = ['[]', '[{}]', '"x"', '1', 'null', 'true']
const assertSocketAnswer = (label: string, answer: { error?: any }) => {
  if (!answer.error) return
  const text = JSON.stringify(answer.error)
  assertClientError(`socket ${label}`, answer.error.code ?? 500, answer.error, text)
}

const HTTP_VERBS: Record<string, Array<[string, boolean]>> = {
  find: [['GET', false]],
  get: [['GET', true]],
  create: [['POST', false]],
  update: [
    ['PUT', true],
    ['PUT', false]
  ],
  patch: [
    ['PATCH', true],
    ['PATCH', false]
  ],
  remove: [['DELETE', true]]
}

// Settings env production as well: nothing in the error path may depend on it.
for (const env of ['test', 'production'] as const) {
  describe(`hostile input never gets a 5xx or a stack (env ${env})`, () => {
    let server: TestServer
    let alice: TestUser
    let bob: TestUser
    let ids: Record<string, string>
    let services: Array<{ path: string; methods: string[] }>
    const sockets: Socket[] = []

    before(async () => {
      server = await startServer({ settings: { env } })
      alice = await createUser(server.url, 'Hostile Alice')
      bob = await createUser(server.url, 'Hostile Bob')
      const group = await createGroup(server.url, alice, 'hostile', [bob])
      const sent = await sendText(server.url, alice, group.chat_id, 'hello')
      ids = {
        chat_id: group.chat_id,
        group_id: group.group_id,
        file_id: 'no-such-file',
        id: sent.message_id
      }
      services = Object.keys(server.app.services).map((path) => ({
        path,
        methods: [...(getServiceOptions(server.app.service(path as any))?.methods ?? [])]
      }))
    })
    after(async () => {
      sockets.forEach((s) => s.close())
      await server.stop()
    })

    /** `api/chats/:chat_id/messages` with every placeholder replaced by `fill(name)`. */
    const fillPath = (path: string, fill: (name: string) => string) =>
      path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(fill(name)))

    it('REST: path segments and ids named after Object.prototype members', async () => {
      for (const { path, methods } of services) {
        for (const name of PROTOTYPE_NAMES) {
          for (const method of methods) {
            for (const [verb, withId] of HTTP_VERBS[method] ?? []) {
              const url = `/${fillPath(path, () => name)}${withId ? `/${name}` : ''}`
              const body = verb === 'GET' || verb === 'DELETE' ? undefined : { content: 'x' }
              const res = await http(server.url, verb, url, { token: alice.access_token, body })
              assertClientError(`${verb} ${url}`, res.status, res.body, res.text)
            }
          }
          // And the same name with the right ids around it (a valid chat, then an unknown member id).
          const url = `/${fillPath(path, (param) => ids[param] ?? name)}/${name}`
          const res = await http(server.url, 'GET', url, { token: alice.access_token })
          assertClientError(`GET ${url}`, res.status, res.body, res.text)
        }
      }
    })

    it('Socket.IO: service paths, ids and route params named after Object.prototype members', async () => {
      const socket = await rawSocket(server.url, alice.access_token)
      sockets.push(socket)
      for (const { path, methods } of services) {
        for (const name of PROTOTYPE_NAMES) {
          for (const method of methods) {
            const routed = fillPath(path, () => name)
            const args =
              method === 'find'
                ? [{}]
                : method === 'create'
                  ? [{ content: 'x' }, {}]
                  : method === 'get' || method === 'remove'
                    ? [name, {}]
                    : [name, { content: 'x' }, {}]
            assertSocketAnswer(`${method} ${routed}`, await socketCall(socket, method, [routed, ...args]))
            // The service path itself named after a prototype member.
            assertSocketAnswer(`${method} ${name}`, await socketCall(socket, method, [name, ...args]))
          }
        }
      }
    })

    /** Every create/update/patch of every service, with real ids so the body reaches the service. */
    const writeCalls = () =>
      services.flatMap(({ path, methods }) =>
        methods
          .filter((m) => m === 'create' || m === 'update' || m === 'patch')
          .map((method) => ({ path: fillPath(path, (param) => ids[param] ?? 'x'), method }))
      )

    it('REST: a JSON body that is an array or a scalar on every POST, PUT and PATCH is a 400', async () => {
      for (const { path, method } of writeCalls()) {
        for (const [verb, withId] of HTTP_VERBS[method]) {
          for (const raw of NOT_AN_OBJECT) {
            const url = `/${path}${withId ? `/${ids.id}` : ''}`
            const res = await http(server.url, verb, url, { token: alice.access_token, raw })
            assertClientError(`${verb} ${url} ${raw}`, res.status, res.body, res.text)
            // A body that is not an object is refused whatever the route does with an object.
            assert.equal(res.status, 400, `${verb} ${url} ${raw}: ${res.text}`)
          }
        }
      }
    })

    it('Socket.IO: data that is an array, a scalar or missing on every create, update and patch', async () => {
      const socket = await rawSocket(server.url, alice.access_token)
      sockets.push(socket)
      for (const { path, method } of writeCalls()) {
        for (const data of [[], [{}], 'x', 1, null, true]) {
          const args = method === 'create' ? [data, {}] : [ids.id, data, {}]
          const answer = await socketCall(socket, method, [path, ...args])
          assertSocketAnswer(`${method} ${path} ${JSON.stringify(data)}`, answer)
          if (data !== null)
            assert.equal(answer.error?.code, 400, `${method} ${path} ${JSON.stringify(data)}`)
        }
      }
    })

    it('REST: a Content-Encoding the body does not have is a 400, an unknown one a 415', async () => {
      // A fresh session: the write tests above log out over every route (api/auth/logout with no body).
      const carol = await createUser(server.url, 'Hostile Carol')
      const json = JSON.stringify({ name: 'encoded' })
      const cases: Array<[string, string | Blob, number]> = [
        ['gzip', json, 400],
        ['deflate', json, 400],
        ['br', json, 400],
        ['gzip', new Blob([new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0])]), 400], // a truncated gzip stream
        ['compress', json, 415],
        ['x-unknown', json, 415]
      ]
      for (const [encoding, body, status] of cases) {
        const res = await fetch(`${server.url}/api/groups`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${carol.access_token}`,
            'content-type': 'application/json',
            'content-encoding': encoding
          },
          body
        })
        const text = await res.text()
        assertClientError(`Content-Encoding ${encoding}`, res.status, JSON.parse(text), text)
        assert.equal(res.status, status, `Content-Encoding ${encoding}: ${text}`)
      }
      // A body that really is gzip-encoded is still accepted.
      const res = await fetch(`${server.url}/api/groups`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${carol.access_token}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip'
        },
        body: new Blob([new Uint8Array(gzipSync(json))])
      })
      assert.equal(res.status, 201, await res.text())
    })

    it('REST: an upload with a broken multipart header is a 400', async () => {
      const carol = await createUser(server.url, 'Hostile Carol')
      for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=']) {
        const res = await http(server.url, 'POST', '/api/uploads', {
          token: carol.access_token,
          raw: '--x\r\n\r\n',
          headers: { 'content-type': contentType }
        })
        assertClientError(`upload ${contentType}`, res.status, res.body, res.text)
        assert.equal(res.status, 400, res.text)
      }
    })

    // Found by the fuzz test (test/fuzz.test.ts); each was a 500.
    it('Socket.IO: an id that is an object, an array or a boolean is a 400 on every method that takes one', async () => {
      // A fresh session: the write tests above log Alice out (api/auth/logout with no body is a logout).
      const socket = await rawSocket(server.url, (await createUser(server.url, 'Hostile Dan')).access_token)
      sockets.push(socket)
      for (const { path, methods } of services) {
        const routed = fillPath(path, (param) => ids[param] ?? 'x')
        for (const method of methods.filter((m) => ['get', 'update', 'patch', 'remove'].includes(m))) {
          for (const id of [{ toString: '' }, { a: 1 }, [], ['x'], true]) {
            const args = method === 'get' || method === 'remove' ? [id, {}] : [id, { content: 'x' }, {}]
            const answer = await socketCall(socket, method, [routed, ...args])
            assertSocketAnswer(`${method} ${routed} ${JSON.stringify(id)}`, answer)
            assert.equal(answer.error?.code, 400, `${method} ${routed} ${JSON.stringify(id)}`)
          }
        }
      }
    })

    it('logging out of api/authentication without a token is a 401, on REST and Socket.IO', async () => {
      for (const url of ['/api/authentication', '/api/authentication/some-token']) {
        const res = await http(server.url, 'DELETE', url)
        assertClientError(`DELETE ${url}`, res.status, res.body, res.text)
        assert.equal(res.status, 401)
      }
      const socket = await rawSocket(server.url)
      sockets.push(socket)
      for (const id of [null, 'some-token']) {
        const answer = await socketCall(socket, 'remove', ['api/authentication', id, {}])
        assertSocketAnswer(`remove api/authentication ${id}`, answer)
        assert.equal(answer.error?.code, 401)
      }
    })

    it('a list filter on one user (GET /api/users/:id?q=) does not reach the database as a column', async () => {
      const erin = await createUser(server.url, 'Hostile Erin') // Alice was logged out by the tests above
      const res = await http(server.url, 'GET', `/api/users/${bob.user_id}?q=bo`, {
        token: erin.access_token
      })
      assertClientError('GET /api/users/:id?q=', res.status, res.body, res.text)
      // Clients' `get` takes no query at all (a filter there would confirm hidden fields): a 400 naming it.
      assert.equal(res.status, 400, res.text)
      assert.match(res.body.message, /\bq\b/)
      // Internal callers may pass one: `get` ignores the list filter instead of querying a column `q`.
      const internal = await server.app.service('api/users').get(bob.user_id, { query: { q: 'bo' } } as any)
      assert.equal(internal.user_id, bob.user_id)
    })

    it('non-string credentials on every login route are refused, on REST and Socket.IO', async () => {
      const hostile = [{}, [], 123, null, true, { $ne: null }, ['a']]
      const bodies = (value: unknown) => [
        ['api/auth/login', { email: value, password: 'secret123' }],
        ['api/auth/login', { email: alice.email, password: value }],
        ['api/auth/refresh', { refresh_token: value }],
        ['api/authentication', { strategy: 'local', email: value, password: value }],
        ['api/authentication', { strategy: 'local', email: alice.email, password: value }],
        ['api/authentication', { strategy: 'jwt', accessToken: value }],
        ['api/authentication', { strategy: value, accessToken: alice.access_token }]
      ]
      const socket = await rawSocket(server.url)
      sockets.push(socket)
      for (const value of [...hostile, ...PROTOTYPE_NAMES]) {
        for (const [path, body] of bodies(value) as Array<[string, object]>) {
          const label = `${path} ${JSON.stringify(body)}`
          const res = await http(server.url, 'POST', `/${path}`, { body })
          assertClientError(label, res.status, res.body, res.text)
          assert.ok(res.status === 400 || res.status === 401, `${label}: ${res.status} ${res.text}`)
          const answer = await socketCall(socket, 'create', [path, body, {}])
          assertSocketAnswer(label, answer)
          assert.ok(answer.error, `${label}: accepted over Socket.IO`)
        }
      }
    })
  })
}

describe('what a client sees of a server failure', () => {
  let server: TestServer
  let alice: TestUser
  before(async () => {
    server = await startServer()
    alice = await createUser(server.url, 'Failure Alice')
    // Stands in for any library that wraps a failure in a GeneralError carrying internals.
    server.app.service('api/users').hooks({
      before: {
        get: [
          async (context) => {
            if (context.id === 'trigger-general-error')
              throw new GeneralError('pool postgres://admin:hunter2@db failed', { host: 'db.internal' })
            if (context.id === 'trigger-type-error') (undefined as any).field.read()
          }
        ]
      }
    })
  })
  after(() => server.stop())

  it('is a plain 500 without message details, data or stack, on REST and Socket.IO', async () => {
    const socket = await rawSocket(server.url, alice.access_token)
    try {
      for (const id of ['trigger-general-error', 'trigger-type-error']) {
        const res = await http(server.url, 'GET', `/api/users/${id}`, { token: alice.access_token })
        assert.equal(res.status, 500)
        assert.deepEqual(res.body, {
          name: 'GeneralError',
          message: 'Internal server error',
          code: 500,
          className: 'general-error'
        })
        const answer = await socketCall(socket, 'get', ['api/users', id, {}])
        assert.deepEqual(answer.error, res.body)
      }
    } finally {
      socket.close()
    }
  })
})

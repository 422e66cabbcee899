import assert from 'node:assert/strict'
import { createUser, http, startServer, type TestServer } from './helpers'

/** What "fails fast" allows: below the database pool's 5 s acquire timeout (src/postgresql.ts). */
const FAILS_FAST_MS = 3000

describe('HTTP edges: errors, limits, headers, health', () => {
  let server: TestServer
  let url: string

  before(async () => {
    server = await startServer({
      settings: { limits: { bodyBytes: 2048 }, origins: ['https://app.example.com'] }
    })
    url = server.url
  })
  after(() => server.stop())

  it('unknown routes are 404 in the Feathers error shape', async () => {
    const res = await http(url, 'GET', '/api/nothing-here')
    assert.equal(res.status, 404)
    assert.deepEqual(Object.keys(res.body).sort(), ['className', 'code', 'message', 'name'])
    assert.equal(res.body.name, 'NotFound')
  })

  it('malformed JSON is a 400', async () => {
    const res = await http(url, 'POST', '/api/auth/login', { raw: '{"email": "a@b.c", ' })
    assert.equal(res.status, 400)
    assert.equal(res.body.name, 'BadRequest')
    assert.match(res.body.message, /JSON/)
  })

  it('bodies over the limit are a 413', async () => {
    const res = await http(url, 'POST', '/api/auth/register', {
      body: { name: 'x'.repeat(5000), email: 'big@example.com', password: 'analytical engine 1843' }
    })
    assert.equal(res.status, 413)
    assert.equal(res.body.code, 413)
  })

  it('a failing query reaches the client without SQL, table names or a stack', async () => {
    const user = await createUser(url, 'Errors')
    const db = server.app.get('postgresqlClient')
    // A hook that runs broken SQL stands in for any database failure inside a service.
    server.app.service('api/users').hooks({
      before: {
        get: [
          async (context) => {
            if (context.id === 'trigger-sql-error')
              await db('no_such_table').where({ secret_column: 1 }).select()
          }
        ]
      }
    })
    const res = await http(url, 'GET', '/api/users/trigger-sql-error', { token: user.access_token })
    assert.equal(res.status, 500)
    assert.equal(res.body.message, 'Internal server error')
    assert.doesNotMatch(res.text, /select|no_such_table|secret_column|relation|at .*\.ts/i)
    assert.equal(res.body.stack, undefined)
  })

  it('sets security headers and answers CORS only for allowed origins', async () => {
    const allowed = await http(url, 'GET', '/health', { headers: { origin: 'https://app.example.com' } })
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com')
    assert.equal(allowed.headers.get('x-content-type-options'), 'nosniff')
    assert.ok(allowed.headers.get('content-security-policy'))
    const denied = await http(url, 'GET', '/health', { headers: { origin: 'https://evil.example.com' } })
    assert.equal(denied.headers.get('access-control-allow-origin'), null)
  })

  it('GET /health is 200 when the database answers', async () => {
    const res = await http(url, 'GET', '/health')
    assert.equal(res.status, 200)
    assert.equal(res.body.database, 'up')
  })

  it('GET /health is 503 when the database does not answer, and requests fail fast with 503', async function () {
    if (server.app.get('databaseKind') !== 'postgres') this.skip() // needs a PostgreSQL server to point away from
    const broken = await startServer({
      settings: { database: { url: 'postgres://postgres@127.0.0.1:1/none' } }
    })
    try {
      const res = await http(broken.url, 'GET', '/health')
      assert.equal(res.status, 503)
      assert.equal(res.body.database, 'down')
      const started = Date.now()
      const register = await http(broken.url, 'POST', '/api/auth/register', {
        body: { name: 'A', email: 'down@example.com', password: 'analytical engine 1843' }
      })
      const elapsed = Date.now() - started
      assert.equal(register.status, 503)
      // Fast: well under the pool's 5 s acquire timeout, which a request waiting for a connection would hit.
      assert.ok(elapsed < FAILS_FAST_MS, `the 503 took ${elapsed} ms`)
      assert.doesNotMatch(register.text, /ECONNREFUSED|127\.0\.0\.1/)
    } finally {
      await broken.stop()
    }
  })
})

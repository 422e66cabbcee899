import assert from 'node:assert/strict'
import jwt from 'jsonwebtoken'
import {
  createUser,
  http,
  assertNoSecretsSeen,
  sleep,
  startServer,
  uniqueEmail,
  type TestServer
} from './helpers'

describe('accounts: register, login, refresh, logout (REST)', () => {
  let server: TestServer
  let url: string

  before(async () => {
    server = await startServer()
    url = server.url
  })
  after(() => server.stop())

  describe('register', () => {
    it('creates an account: 201, email lower-cased, no secret in the response', async () => {
      const email = uniqueEmail('Mixed.Case').replace('mixed', 'Mixed')
      const res = await http(url, 'POST', '/api/auth/register', {
        body: {
          name: 'Ada',
          email,
          password: 'analytical engine 1843',
          avatar_url: 'https://example.com/a.png'
        }
      })
      assert.equal(res.status, 201)
      assert.equal(res.body.email, email.toLowerCase())
      assert.equal(res.body.name, 'Ada')
      assert.match(res.body.user_id, /^[0-9A-Z]{26}$/)
      assert.equal(res.body.password, undefined)
      assert.equal(res.body.password_hash, undefined)
      assert.equal(res.body.id, undefined, 'the internal serial id stays internal')
    })

    it('refuses a bad email, naming the field', async () => {
      const res = await http(url, 'POST', '/api/auth/register', {
        body: { name: 'A', email: 'not-an-email', password: 'analytical engine 1843' }
      })
      assert.equal(res.status, 400)
      assert.equal(res.body.name, 'BadRequest')
      assert.match(res.body.message, /email/)
    })

    it('refuses a short password, naming the field', async () => {
      const res = await http(url, 'POST', '/api/auth/register', {
        body: { name: 'A', email: uniqueEmail(), password: '123' }
      })
      assert.equal(res.status, 400)
      assert.match(res.body.message, /password/)
    })

    it('refuses unknown fields and missing fields, naming them', async () => {
      const extra = await http(url, 'POST', '/api/auth/register', {
        body: { name: 'A', email: uniqueEmail(), password: 'analytical engine 1843', role: 'admin' }
      })
      assert.equal(extra.status, 400)
      assert.match(extra.body.message, /role is not allowed/)
      const missing = await http(url, 'POST', '/api/auth/register', {
        body: { email: uniqueEmail(), password: 'analytical engine 1843' }
      })
      assert.equal(missing.status, 400)
      assert.match(missing.body.message, /name is required/)
    })

    it('answers a duplicate email (any casing) with 409 Conflict and no SQL', async () => {
      const email = uniqueEmail('dup')
      assert.equal(
        (
          await http(url, 'POST', '/api/auth/register', {
            body: { name: 'A', email, password: 'analytical engine 1843' }
          })
        ).status,
        201
      )
      const again = await http(url, 'POST', '/api/auth/register', {
        body: { name: 'B', email: email.toUpperCase(), password: 'analytical engine 1843' }
      })
      assert.equal(again.status, 409)
      assert.equal(again.body.name, 'Conflict')
      assert.doesNotMatch(again.text, /insert|users_email|constraint|duplicate key/i)
    })
  })

  describe('login', () => {
    it('returns the seed shape: access_token, refresh_token, expires_in, user (with own email)', async () => {
      const user = await createUser(url, 'Login')
      const res = await http(url, 'POST', '/api/auth/login', {
        body: { email: user.email.toUpperCase(), password: user.password }
      })
      assert.equal(res.status, 200)
      assert.equal(typeof res.body.access_token, 'string')
      assert.equal(typeof res.body.refresh_token, 'string')
      assert.equal(res.body.expires_in, 86400)
      assert.equal(res.body.user.user_id, user.user_id)
      assert.equal(res.body.user.email, user.email)
      assert.equal(res.body.user.password_hash, undefined)
    })

    it('gives the same 401 for a wrong password and an unknown email', async () => {
      const user = await createUser(url, 'Wrong')
      const wrong = await http(url, 'POST', '/api/auth/login', {
        body: { email: user.email, password: 'nope-nope' }
      })
      const unknown = await http(url, 'POST', '/api/auth/login', {
        body: { email: uniqueEmail('ghost'), password: 'nope-nope' }
      })
      assert.equal(wrong.status, 401)
      assert.equal(unknown.status, 401)
      assert.equal(wrong.body.message, unknown.body.message)
    })

    it('refuses a login body with unknown fields', async () => {
      const res = await http(url, 'POST', '/api/auth/login', {
        body: { email: uniqueEmail(), password: 'x', strategy: 'jwt' }
      })
      assert.equal(res.status, 400)
      assert.match(res.body.message, /strategy is not allowed/)
    })
  })

  describe('access tokens', () => {
    it('are required: no token, a garbage token and an expired token are all 401', async () => {
      const user = await createUser(url, 'Tokens')
      assert.equal((await http(url, 'GET', '/api/users/profile')).status, 401)
      assert.equal(
        (await http(url, 'GET', '/api/users/profile', { token: 'garbage.token.here' })).status,
        401
      )
      const secret = server.app.get('authentication').secret
      const expired = jwt.sign({ sid: 'x', exp: Math.floor(Date.now() / 1000) - 60 }, secret, {
        subject: user.user_id,
        audience: 'chat-backend'
      })
      const res = await http(url, 'GET', '/api/users/profile', { token: expired })
      assert.equal(res.status, 401)
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: user.access_token })).status, 200)
    })

    it('stop working when they expire, even after the server has seen them verified', async () => {
      const user = await createUser(url, 'Expiring')
      const { sid } = jwt.decode(user.access_token) as { sid: string }
      const secret = server.app.get('authentication').secret
      const exp = Math.floor(Date.now() / 1000) + 2
      const shortLived = jwt.sign({ sid, exp }, secret, { subject: user.user_id, audience: 'chat-backend' })
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: shortLived })).status, 200)
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: shortLived })).status, 200)
      await sleep(exp * 1000 - Date.now() + 100)
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: shortLived })).status, 401)
    })

    it('signed with another secret are refused', async () => {
      const user = await createUser(url, 'Forged')
      const forged = jwt.sign({ sid: 'x' }, 'another-secret-entirely', {
        subject: user.user_id,
        audience: 'chat-backend'
      })
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: forged })).status, 401)
    })
  })

  describe('refresh', () => {
    it('rotates: the new pair works, the old refresh token is dead', async () => {
      const user = await createUser(url, 'Rotate')
      const first = await http(url, 'POST', '/api/auth/refresh', {
        body: { refresh_token: user.refresh_token }
      })
      assert.equal(first.status, 200)
      assert.notEqual(first.body.refresh_token, user.refresh_token)
      assert.equal(first.body.user.user_id, user.user_id)
      assert.equal(
        (await http(url, 'GET', '/api/users/profile', { token: first.body.access_token })).status,
        200
      )
      const second = await http(url, 'POST', '/api/auth/refresh', {
        body: { refresh_token: first.body.refresh_token }
      })
      assert.equal(second.status, 200)
    })

    it('revokes the whole family when a rotated token is replayed', async () => {
      const user = await createUser(url, 'Replay')
      const rotated = await http(url, 'POST', '/api/auth/refresh', {
        body: { refresh_token: user.refresh_token }
      })
      assert.equal(rotated.status, 200)
      const replay = await http(url, 'POST', '/api/auth/refresh', {
        body: { refresh_token: user.refresh_token }
      })
      assert.equal(replay.status, 401)
      // The attacker's replay killed the legitimate holder's newer token and access tokens too.
      const legit = await http(url, 'POST', '/api/auth/refresh', {
        body: { refresh_token: rotated.body.refresh_token }
      })
      assert.equal(legit.status, 401)
      assert.equal(
        (await http(url, 'GET', '/api/users/profile', { token: rotated.body.access_token })).status,
        401
      )
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: user.access_token })).status, 401)
    })

    it('lets only one of two concurrent uses of one token succeed', async () => {
      const user = await createUser(url, 'Race')
      const results = await Promise.all(
        [1, 2].map(() =>
          http(url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } })
        )
      )
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 401])
    })

    it('refuses unknown and malformed refresh tokens', async () => {
      assert.equal(
        (await http(url, 'POST', '/api/auth/refresh', { body: { refresh_token: 'nope' } })).status,
        401
      )
      assert.equal((await http(url, 'POST', '/api/auth/refresh', { body: {} })).status, 400)
    })

    it('keeps sessions apart: refreshing one login does not touch another', async () => {
      const user = await createUser(url, 'TwoSessions')
      const other = await http(url, 'POST', '/api/auth/login', {
        body: { email: user.email, password: user.password }
      })
      await http(url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } })
      await http(url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } }) // replay: kills session 1
      assert.equal(
        (await http(url, 'GET', '/api/users/profile', { token: other.body.access_token })).status,
        200
      )
    })
  })

  describe('logout', () => {
    it('revokes the session: its access token and refresh token stop working, other sessions do not', async () => {
      const user = await createUser(url, 'Logout')
      const other = await http(url, 'POST', '/api/auth/login', {
        body: { email: user.email, password: user.password }
      })
      const res = await http(url, 'POST', '/api/auth/logout', { token: user.access_token, body: {} })
      assert.equal(res.status, 200)
      assert.equal(res.body.logged_out, true)
      assert.equal((await http(url, 'GET', '/api/users/profile', { token: user.access_token })).status, 401)
      assert.equal(
        (await http(url, 'POST', '/api/auth/refresh', { body: { refresh_token: user.refresh_token } }))
          .status,
        401
      )
      assert.equal(
        (await http(url, 'GET', '/api/users/profile', { token: other.body.access_token })).status,
        200
      )
    })

    it('needs authentication', async () => {
      assert.equal((await http(url, 'POST', '/api/auth/logout', { body: {} })).status, 401)
    })
  })

  after(assertNoSecretsSeen)
})

describe('accounts: rate limits', () => {
  let server: TestServer

  before(async () => {
    server = await startServer({
      settings: {
        limits: { loginPerIpPerMinute: 100, loginPerEmailAndIpPerMinute: 3, registerPerIpPerMinute: 2 }
      }
    })
  })
  after(() => server.stop())

  it('answers too many logins for one email from one client with 429 and Retry-After', async () => {
    const email = uniqueEmail('limited')
    const statuses: number[] = []
    let last
    for (let i = 0; i < 4; i++) {
      last = await http(server.url, 'POST', '/api/auth/login', { body: { email, password: 'whatever1' } })
      statuses.push(last.status)
    }
    assert.deepEqual(statuses, [401, 401, 401, 429])
    assert.equal(last!.body.name, 'TooManyRequests')
    assert.ok(Number(last!.headers.get('retry-after')) >= 1)
  })

  it('limits registrations per IP', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await http(server.url, 'POST', '/api/auth/register', {
        body: { name: 'R', email: uniqueEmail('reg'), password: 'analytical engine 1843' }
      })
      statuses.push(res.status)
    }
    assert.deepEqual(statuses, [201, 201, 429])
  })
})

import assert from 'node:assert/strict'
import { createUser, http, assertNoSecretsSeen, startServer, type TestServer, type TestUser } from './helpers'

describe('users: profile, public profiles, search, status (REST)', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser

  before(async () => {
    server = await startServer()
    url = server.url
    ann = await createUser(url, 'Zyxw Annabel')
    bob = await createUser(url, 'Zyxw Bob')
  })
  after(() => server.stop())

  it('GET /api/users/profile returns my own profile, with my email', async () => {
    const res = await http(url, 'GET', '/api/users/profile', { token: ann.access_token })
    assert.equal(res.status, 200)
    assert.equal(res.body.user_id, ann.user_id)
    assert.equal(res.body.email, ann.email)
    assert.equal(res.body.status, 'offline')
  })

  it('PUT /api/users/profile changes name, avatar_url and bio, and nothing else', async () => {
    const res = await http(url, 'PUT', '/api/users/profile', {
      token: ann.access_token,
      body: { name: '  Zyxw Annabel  ', bio: 'Hello', avatar_url: 'https://cdn.example.com/a.png' }
    })
    assert.equal(res.status, 200)
    assert.equal(res.body.name, 'Zyxw Annabel')
    assert.equal(res.body.bio, 'Hello')
    for (const field of ['email', 'user_id', 'status', 'password', 'created_at']) {
      const bad = await http(url, 'PUT', '/api/users/profile', {
        token: ann.access_token,
        body: { [field]: 'x' }
      })
      assert.equal(bad.status, 400, field)
      assert.match(bad.body.message, new RegExp(`${field} is not allowed`))
    }
    const tooLong = await http(url, 'PUT', '/api/users/profile', {
      token: ann.access_token,
      body: { name: 'x'.repeat(101) }
    })
    assert.equal(tooLong.status, 400)
    assert.match(tooLong.body.message, /name/)
    const empty = await http(url, 'PUT', '/api/users/profile', { token: ann.access_token, body: {} })
    assert.equal(empty.status, 400)
  })

  it('GET /api/users/:user_id shows anyone’s public profile, without their email', async () => {
    const res = await http(url, 'GET', `/api/users/${bob.user_id}`, { token: ann.access_token })
    assert.equal(res.status, 200)
    assert.equal(res.body.name, 'Zyxw Bob')
    assert.equal(res.body.email, undefined)
    const self = await http(url, 'GET', `/api/users/${ann.user_id}`, { token: ann.access_token })
    assert.equal(self.body.email, ann.email)
    assert.equal((await http(url, 'GET', `/api/users/${bob.user_id}`)).status, 401)
    assert.equal(
      (await http(url, 'GET', '/api/users/01ZZZZZZZZZZZZZZZZZZZZZZZZ', { token: ann.access_token })).status,
      404
    )
  })

  it('GET /api/users/search finds by case-insensitive name prefix (never email), paginated', async () => {
    const byName = await http(url, 'GET', '/api/users/search?q=zYX', { token: ann.access_token })
    assert.equal(byName.status, 200)
    const ids = byName.body.data.map((u: any) => u.user_id)
    assert.ok(ids.includes(ann.user_id) && ids.includes(bob.user_id))
    const other = byName.body.data.find((u: any) => u.user_id === bob.user_id)
    assert.equal(other.email, undefined, 'search never shows other people’s email')
    const byEmail = await http(
      url,
      'GET',
      `/api/users/search?q=${encodeURIComponent(bob.email.slice(0, 12))}`,
      {
        token: ann.access_token
      }
    )
    assert.ok(!byEmail.body.data.some((u: any) => u.user_id === bob.user_id), 'emails are not searchable')
    const middle = await http(url, 'GET', '/api/users/search?q=bob', { token: ann.access_token })
    assert.ok(!middle.body.data.some((u: any) => u.user_id === bob.user_id), 'prefix, not substring')
    const page = await http(url, 'GET', '/api/users/search?q=zyxw&$limit=1&$skip=1', {
      token: ann.access_token
    })
    assert.equal(page.body.limit, 1)
    assert.equal(page.body.skip, 1)
    assert.equal(page.body.data.length, 1)
    assert.equal(page.body.total, undefined, 'no total: one page shape')
  })

  it('user search and lookup pages are {data, limit, skip, has_more}: has_more is whether a row follows', async () => {
    const prefix = `Pg${Date.now().toString(36)}`
    const users = []
    for (const name of ['a', 'b', 'c']) users.push(await createUser(url, `${prefix} ${name}`))
    const search = async (query: string) => {
      const res = await http(url, 'GET', `/api/users/search?q=${prefix}${query}`, { token: ann.access_token })
      assert.equal(res.status, 200, res.text)
      assert.deepEqual(Object.keys(res.body).sort(), ['data', 'has_more', 'limit', 'skip'])
      return res.body
    }
    const first = await search('&$limit=2')
    assert.deepEqual(
      first.data.map((u: any) => u.name),
      [`${prefix} a`, `${prefix} b`]
    )
    assert.deepEqual([first.limit, first.skip, first.has_more], [2, 0, true])
    const second = await search('&$limit=2&$skip=2')
    assert.deepEqual(
      second.data.map((u: any) => u.name),
      [`${prefix} c`]
    )
    assert.deepEqual([second.limit, second.skip, second.has_more], [2, 2, false])
    const exact = await search('&$limit=3')
    assert.equal(exact.data.length, 3)
    assert.equal(exact.has_more, false, 'a full page with nothing after it has no more')
    const past = await search('&$skip=5')
    assert.deepEqual([past.data, past.has_more], [[], false])

    const ids = users.map((u) => `user_id[$in][]=${u.user_id}`).join('&')
    const lookup = await http(url, 'GET', `/api/users?${ids}&$limit=2`, { token: ann.access_token })
    assert.equal(lookup.status, 200, lookup.text)
    assert.deepEqual(Object.keys(lookup.body).sort(), ['data', 'has_more', 'limit', 'skip'])
    assert.deepEqual([lookup.body.data.length, lookup.body.limit, lookup.body.has_more], [2, 2, true])
    const rest = await http(url, 'GET', `/api/users?${ids}&$limit=2&$skip=2`, { token: ann.access_token })
    assert.deepEqual([rest.body.data.length, rest.body.skip, rest.body.has_more], [1, 2, false])
    for (const u of [...lookup.body.data, ...rest.body.data]) assert.equal(u.email, undefined)
  })

  it('search caps the page size, treats wildcards literally and validates its query', async () => {
    const capped = await http(url, 'GET', '/api/users/search?q=a&$limit=10000', { token: ann.access_token })
    assert.equal(capped.status, 200)
    assert.equal(capped.body.limit, 50)
    // `%` is a character, not a wildcard: only names that begin with it (other test files may make some).
    const wildcard = await http(url, 'GET', '/api/users/search?q=%25', { token: ann.access_token })
    assert.equal(wildcard.status, 200)
    for (const u of wildcard.body.data) assert.ok(u.name.startsWith('%'), u.name)
    assert.equal((await http(url, 'GET', '/api/users/search', { token: ann.access_token })).status, 400)
    const operator = await http(url, 'GET', '/api/users/search?q=a&name[$ne]=x', { token: ann.access_token })
    assert.equal(operator.status, 400)
    const sneaky = await http(url, 'GET', '/api/users?password_hash[$gt]=a', { token: ann.access_token })
    assert.equal(sneaky.status, 400, 'no query on the hash')
  })

  it('PUT /api/users/status stores away/dnd/online/offline and refuses anything else', async () => {
    const away = await http(url, 'PUT', '/api/users/status', {
      token: bob.access_token,
      body: { status: 'dnd' }
    })
    assert.equal(away.status, 200)
    assert.deepEqual(Object.keys(away.body).sort(), ['last_seen', 'status', 'user_id'])
    assert.equal(away.body.status, 'dnd')
    const seen = await http(url, 'GET', `/api/users/${bob.user_id}`, { token: ann.access_token })
    assert.equal(seen.body.status, 'dnd')
    const offline = await http(url, 'PUT', '/api/users/status', {
      token: bob.access_token,
      body: { status: 'offline' }
    })
    assert.ok(offline.body.last_seen)
    const bad = await http(url, 'PUT', '/api/users/status', {
      token: bob.access_token,
      body: { status: 'sleeping' }
    })
    assert.equal(bad.status, 400)
    assert.match(bad.body.message, /status/)
  })

  it('the users service itself is read-only from outside', async () => {
    assert.equal((await http(url, 'POST', '/api/users', { body: { name: 'x' } })).status, 405)
    assert.equal(
      (
        await http(url, 'PATCH', `/api/users/${ann.user_id}`, {
          token: ann.access_token,
          body: { name: 'x' }
        })
      ).status,
      405
    )
    assert.equal(
      (await http(url, 'DELETE', `/api/users/${bob.user_id}`, { token: ann.access_token })).status,
      405
    )
  })

  after(assertNoSecretsSeen)
})

import assert from 'node:assert/strict'
import {
  createUser,
  http,
  socketClient,
  startServer,
  uniqueEmail,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

/** What a caller can tell apart: status and the whole body (REST), or the whole error (socket). */
const answer = (res: { status: number; body: unknown }) => ({ status: res.status, body: res.body })
const outcome = (call: Promise<unknown>) =>
  call.then(
    (result) => ({ ok: result }),
    (error) => ({ error: error.toJSON ? error.toJSON() : error })
  )

describe('hidden emails cannot be enumerated', () => {
  let server: TestServer
  let attacker: TestUser
  let victim: TestUser
  let wrongGuess: string
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer()
    attacker = await createUser(server.url, 'Prober')
    victim = await createUser(server.url, 'Quiet Person')
    wrongGuess = uniqueEmail('notregistered')
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  const get = (path: string) => http(server.url, 'GET', path, { token: attacker.access_token })
  const q = (value: string) => encodeURIComponent(value)

  it("search matches names only: never another user's email, not even the exact address", async () => {
    for (const probe of [victim.email.slice(0, 8), victim.email]) {
      const res = await get(`/api/users/search?q=${q(probe)}`)
      assert.equal(res.status, 200)
      assert.ok(!res.body.data.some((u: any) => u.user_id === victim.user_id), probe)
    }
    const byName = await get(`/api/users/search?q=${q('quiet pers')}`)
    assert.ok(
      byName.body.data.some((u: any) => u.user_id === victim.user_id),
      'names are searchable'
    )
  })

  it('GET /api/users?email= answers a right and a wrong guess identically', async () => {
    const right = await get(`/api/users?email=${q(victim.email)}`)
    const wrong = await get(`/api/users?email=${q(wrongGuess)}`)
    assert.deepEqual(answer(right), answer(wrong))
    assert.equal(right.status, 400)
  })

  it('GET /api/users/:user_id?email= answers a right and a wrong guess identically', async () => {
    const right = await get(`/api/users/${victim.user_id}?email=${q(victim.email)}`)
    const wrong = await get(`/api/users/${victim.user_id}?email=${q(wrongGuess)}`)
    assert.deepEqual(answer(right), answer(wrong))
    assert.equal(right.status, 400)
  })

  it('GET /api/users does not list everyone, nor take a search from outside', async () => {
    assert.equal((await get('/api/users')).status, 400)
    const right = await get(`/api/users?q=${q(victim.email.slice(0, 8))}`)
    const wrong = await get(`/api/users?q=${q(wrongGuess.slice(0, 8))}`)
    assert.deepEqual(answer(right), answer(wrong))
    const byId = await get(`/api/users?user_id=${victim.user_id}`)
    assert.equal(byId.status, 200, 'looking up known ids still works')
    assert.deepEqual(
      byId.body.data.map((u: any) => [u.user_id, u.email]),
      [[victim.user_id, undefined]]
    )
  })

  it('over Socket.IO, right and wrong guesses answer identically too', async () => {
    const s = socketClient(server.url)
    sockets.push(s)
    await s.client.authenticate({ strategy: 'jwt', accessToken: attacker.access_token })
    const users = s.client.service('api/users')
    const byEmail = (email: string) => outcome(users.find({ query: { email } as any }))
    const getWith = (email: string) => outcome((users.get as any)(victim.user_id, { query: { email } }))
    const search = (probe: string) =>
      outcome(s.client.service('api/users/search').find({ query: { q: probe } }))
    assert.deepEqual(await byEmail(victim.email), await byEmail(wrongGuess))
    assert.equal(((await byEmail(victim.email)) as any).error?.name, 'BadRequest')
    assert.deepEqual(await getWith(victim.email), await getWith(wrongGuess))
    assert.equal(((await getWith(victim.email)) as any).error?.name, 'BadRequest')
    assert.deepEqual(await search(victim.email), await search(wrongGuess))
    assert.equal(((await outcome(users.find({ query: {} as any }))) as any).error?.name, 'BadRequest')
  })
})

describe('user search is rate-limited per user', () => {
  let server: TestServer

  before(async () => {
    server = await startServer({ settings: { limits: { userSearchPerUserPerMinute: 3 } } })
  })
  after(() => server.stop())

  it('needs q, and answers 429 with Retry-After past the budget; other users are unaffected', async () => {
    const ann = await createUser(server.url, 'Searcher Ann')
    const bob = await createUser(server.url, 'Searcher Bob')
    const search = (user: TestUser, query = '?q=searcher') =>
      http(server.url, 'GET', `/api/users/search${query}`, { token: user.access_token })
    assert.equal((await search(ann, '')).status, 400)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await search(ann)).status)
    const limited = await search(ann)
    assert.deepEqual([...statuses, limited.status], [200, 200, 200, 429])
    assert.equal(limited.body.name, 'TooManyRequests')
    assert.ok(Number(limited.headers.get('retry-after')) >= 1)
    assert.equal((await search(bob)).status, 200)
  })
})

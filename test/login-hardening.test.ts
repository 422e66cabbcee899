import assert from 'node:assert/strict'
import bcrypt from 'bcryptjs'
import { loginDelayMs } from '../src/hooks/rate-limit'
import { createUser, http, startServer, uniqueEmail, type TestServer, type TestUser } from './helpers'

/** Counts bcrypt comparisons while `run` goes; bcryptjs is one module object shared with the server. */
const countCompares = async (run: () => Promise<unknown>) => {
  const original = bcrypt.compare
  let calls = 0
  ;(bcrypt as any).compare = (...args: any[]) => {
    calls++
    return (original as any)(...args)
  }
  try {
    await run()
  } finally {
    ;(bcrypt as any).compare = original
  }
  return calls
}

describe('login: an unknown email costs the same hashing work as a wrong password', () => {
  let server: TestServer
  let user: TestUser

  before(async () => {
    server = await startServer()
    user = await createUser(server.url, 'Timing')
  })
  after(() => server.stop())

  const routes = [
    ['POST /api/auth/login', '/api/auth/login', {}],
    ['POST /api/authentication (local strategy)', '/api/authentication', { strategy: 'local' }]
  ] as const

  for (const [name, path, extra] of routes) {
    it(`${name}: one bcrypt comparison for a wrong password and one for an unknown email`, async () => {
      let wrong: any
      let unknown: any
      const wrongCompares = await countCompares(async () => {
        wrong = await http(server.url, 'POST', path, {
          body: { ...extra, email: user.email, password: 'not-the-password' }
        })
      })
      const unknownCompares = await countCompares(async () => {
        unknown = await http(server.url, 'POST', path, {
          body: { ...extra, email: uniqueEmail('nobody'), password: 'not-the-password' }
        })
      })
      assert.equal(wrong.status, 401)
      assert.equal(unknown.status, 401)
      assert.deepEqual(unknown.body, wrong.body, 'the same answer')
      assert.equal(wrongCompares, 1)
      assert.equal(unknownCompares, 1, 'the unknown email is compared against a dummy hash')
    })
  }

  it('the dummy hash has the configured cost, so the comparison takes as long', async () => {
    const strategy: any = server.app.service('api/authentication').getStrategy('local')
    const dummy: string = await strategy.dummyHash()
    assert.equal(bcrypt.getRounds(dummy), server.app.get('authentication').local.hashSize)
    assert.equal(await strategy.dummyHash(), dummy, 'computed once')
  })
})

describe('login: an attacker cannot lock a user out', () => {
  let server: TestServer
  let victim: TestUser
  const from = (ip: string) => ({ 'x-forwarded-for': ip })
  const login = (ip: string, email: string, password: string) =>
    http(server.url, 'POST', '/api/auth/login', { body: { email, password }, headers: from(ip) })

  before(async () => {
    // Limits as shipped (config/default.json) but short slow-downs, behind a trusted proxy so that
    // X-Forwarded-For tells clients apart.
    server = await startServer({
      settings: {
        trustProxy: true,
        limits: {
          loginPerIpPerMinute: 30,
          loginPerEmailAndIpPerMinute: 10,
          loginPerEmailPerMinute: 10,
          loginSlowdownMaxMs: 20
        }
      }
    })
    victim = await createUser(server.url, 'Hammered')
  })
  after(() => server.stop())

  it('20 failures from IP A get 429 at A; the victim at IP B still logs in with the right password', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 20; i++)
      statuses.push((await login('203.0.113.7', victim.email, `guess-${i}`)).status)
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401))
    assert.ok(
      statuses.slice(10).every((s) => s === 429),
      statuses.join(',')
    )
    const refused = await login('203.0.113.7', victim.email, victim.password)
    assert.equal(refused.status, 429, 'even the right password is refused from the hammering client')

    const victimLogin = await login('198.51.100.20', victim.email, victim.password)
    assert.ok([200, 201].includes(victimLogin.status), victimLogin.text)
    assert.equal(victimLogin.body.user.user_id, victim.user_id)
  })

  it('a client cannot pass for many by sending its own X-Forwarded-For entries (the proxy appends the real one)', async () => {
    const target = await createUser(server.url, 'Spoof Target')
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const spoofed = { 'x-forwarded-for': `10.0.${i}.1, 203.0.113.50` }
      const res = await http(server.url, 'POST', '/api/auth/login', {
        body: { email: target.email, password: `guess-${i}` },
        headers: spoofed
      })
      statuses.push(res.status)
    }
    assert.deepEqual(statuses.slice(10), [429, 429], statuses.join(','))
  })

  it('past the per-email budget an attempt waits longer and longer (capped), and is never refused for it', () => {
    assert.deepEqual(
      [0, 1, 2, 4, 100].map((over) => loginDelayMs(over, 3000)),
      [0, 250, 500, 1000, 3000]
    )
  })

  it('the same holds on POST /api/authentication, with two attacking clients past the per-email budget', async () => {
    const other = await createUser(server.url, 'Hammered Too')
    for (const ip of ['203.0.113.8', '203.0.113.9']) {
      for (let i = 0; i < 11; i++) {
        await http(server.url, 'POST', '/api/authentication', {
          body: { strategy: 'local', email: other.email, password: `guess-${i}` },
          headers: from(ip)
        })
      }
    }
    const res = await http(server.url, 'POST', '/api/authentication', {
      body: { strategy: 'local', email: other.email, password: other.password },
      headers: from('198.51.100.21')
    })
    assert.ok([200, 201].includes(res.status), res.text)
  })
})

import assert from 'node:assert/strict'
import bcrypt from 'bcryptjs'
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

// Password policy (src/hooks/password-policy.ts), after NIST SP 800-63B: at least 8 characters, no
// composition rules, and a block list of guessable passwords (zxcvbn, which also knows the user's own name
// and email). A refusal is a 400 naming `password`, with zxcvbn's warning.
import assert from 'node:assert/strict'
import { http, startServer, uniqueEmail, type TestServer } from './helpers'

describe('password policy at registration', () => {
  let server: TestServer
  before(async () => {
    server = await startServer()
  })
  after(() => server.stop())

  const register = (password: string, name = 'Policy User', email = uniqueEmail('policy')) =>
    http(server.url, 'POST', '/api/auth/register', { body: { name, email, password } })

  const assertRefused = (res: { status: number; body: any; text: string }, reason: RegExp) => {
    assert.equal(res.status, 400, res.text)
    assert.match(res.body.message, /^Invalid data: password /)
    assert.match(res.body.message, reason)
    assert.equal(res.body.data?.[0]?.instancePath, '/password')
  }

  it('refuses common passwords (123456, password123, qwertyuiop…) with zxcvbn’s warning', async () => {
    for (const password of ['123456', '12345678', 'password123', 'secret123', 'qwertyuiop', 'iloveyou123']) {
      const res = await register(password)
      assertRefused(res, /(is too easy to guess|fewer than 8)/)
    }
    const res = await register('password123')
    assertRefused(res, /too easy to guess: This is a commonly used password/)
  })

  it('refuses fewer than 8 characters, even random ones', async () => {
    assertRefused(await register('7$kQ!z'), /must NOT have fewer than 8 characters/)
  })

  it('counts characters, not UTF-16 units: 4 emoji are 4 characters', async () => {
    assertRefused(await register('🐙🦑🐠🐡'), /must NOT have fewer than 8 characters/)
  })

  it('refuses a password made of the user’s own name or email', async () => {
    const name = 'Xavier Quillfeather'
    const email = uniqueEmail('xavier.quillfeather')
    assertRefused(await register('xavierquillfeather', name, email), /too easy to guess/)
  })

  it('accepts long passphrases without any composition rule (lowercase words and spaces)', async () => {
    for (const password of ['tangerine mosquito violin', 'correct horse battery']) {
      const res = await register(password)
      assert.equal(res.status, 201, res.text)
    }
  })
})

import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import jwt from 'jsonwebtoken'
import { EXAMPLE_JWT_SECRET } from '../src/configuration'
import { localJwtSecret } from '../src/auth/jwt-secret'
import {
  createUser,
  http,
  socketClient,
  startServer,
  type SocketClient,
  type TestServer,
  type TestUser
} from './helpers'

/** An access token as the server would sign it, with whatever subject and session the attacker picks. */
const sign = (secret: string, subject: string, sid: string) =>
  jwt.sign({ sid }, secret, { subject, audience: 'chat-backend', expiresIn: 3600 })

describe('sessions are bound to their user', () => {
  let server: TestServer
  let attacker: TestUser
  let victim: TestUser
  const sockets: SocketClient[] = []

  before(async () => {
    server = await startServer()
    attacker = await createUser(server.url, 'Forger')
    victim = await createUser(server.url, 'Victim')
  })
  after(async () => {
    sockets.forEach((s) => s.close())
    await server.stop()
  })

  const forged = () => {
    const { sid } = jwt.decode(attacker.access_token) as { sid: string }
    return sign(server.app.get('authentication').secret, victim.user_id, sid)
  }

  it("a token whose sid is another user's live session is refused over REST", async () => {
    // The attacker's own session is live and known to the session cache.
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: attacker.access_token })).status,
      200
    )
    const res = await http(server.url, 'GET', '/api/users/profile', { token: forged() })
    assert.equal(res.status, 401)
    assert.equal(res.body.email, undefined)
  })

  it("a token whose sid is another user's live session is refused over Socket.IO", async () => {
    const s = socketClient(server.url)
    sockets.push(s)
    await assert.rejects(s.client.authenticate({ strategy: 'jwt', accessToken: forged() }), {
      name: 'NotAuthenticated'
    })
    await assert.rejects(s.client.service('api/users/profile').find(), { name: 'NotAuthenticated' })
  })

  it("the victim's own token keeps working", async () => {
    assert.equal(
      (await http(server.url, 'GET', '/api/users/profile', { token: victim.access_token })).status,
      200
    )
  })
})

describe('JWT secret when none is configured (outside production)', () => {
  let dataDir: string
  const noSecret = () => ({ settings: { authentication: { secret: '' }, dataDir } })

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-secret-'))
  })
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('generates a random secret in the data folder (mode 0600), reused on restart; the example secret is refused', async () => {
    const first = await startServer(noSecret())
    const user = await createUser(first.url, 'Restart')
    const file = path.join(dataDir, 'jwt-secret')
    const secret = fs.readFileSync(file, 'utf8')
    assert.equal(fs.statSync(file).mode & 0o777, 0o600)
    assert.ok(secret.length >= 32)
    assert.notEqual(first.app.get('authentication').secret, EXAMPLE_JWT_SECRET)
    const { sid } = jwt.decode(user.access_token) as { sid: string }
    const withExample = sign(EXAMPLE_JWT_SECRET, user.user_id, sid)
    assert.equal((await http(first.url, 'GET', '/api/users/profile', { token: withExample })).status, 401)
    await first.stop()

    const second = await startServer(noSecret())
    try {
      assert.equal(fs.readFileSync(file, 'utf8'), secret, 'the same secret after a restart')
      const res = await http(second.url, 'GET', '/api/users/profile', { token: user.access_token })
      assert.equal(res.status, 200, 'tokens survive a restart')
      assert.equal((await http(second.url, 'GET', '/api/users/profile', { token: withExample })).status, 401)
    } finally {
      await second.stop()
    }
  })

  it('says what to set when the data folder cannot hold the secret', () => {
    const notAFolder = path.join(dataDir, 'a-file')
    fs.writeFileSync(notAFolder, '')
    assert.throws(() => localJwtSecret(notAFolder), /set JWT_SECRET, or DATA_DIR to a writable folder/)
  })

  it('treats the example secret (from .env.example) as no secret', async () => {
    const server = await startServer({
      settings: { authentication: { secret: EXAMPLE_JWT_SECRET }, dataDir }
    })
    try {
      assert.equal(
        server.app.get('authentication').secret,
        fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')
      )
    } finally {
      await server.stop()
    }
  })
})

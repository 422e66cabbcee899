import assert from 'node:assert/strict'
// CORS for browser front ends: REST (a preflight, then the real request) and Socket.IO (the polling handshake
// that socket.io-client opens with, and its preflight). In development (config/development.json) Vite's dev
// server origins are allowed next to the defaults; CORS_ALLOWED_ORIGINS replaces the list everywhere.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { killSpawnedServers, spawnServer, startServer, type SpawnedServer } from './helpers'

const vite = ['http://localhost:5173', 'http://127.0.0.1:5173']
const unlisted = ['http://localhost:5174', 'http://evil.example', 'null']

/** What a browser would be told about `origin`: the Access-Control-Allow-Origin of the answers. */
const corsAnswers = async (url: string, origin: string) => {
  const preflight = await fetch(`${url}/api/users/search?q=a`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'authorization'
    }
  })
  const rest = await fetch(`${url}/health`, { headers: { Origin: origin } })
  // socket.io-client's first request (polling transport), as a browser sends it from another origin.
  const handshake = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: origin } })
  const handshakeText = await handshake.text()
  const socketPreflight = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' }
  })
  return {
    preflight: preflight.headers.get('access-control-allow-origin'),
    preflightHeaders: preflight.headers.get('access-control-allow-headers') ?? '',
    rest: rest.headers.get('access-control-allow-origin'),
    handshake: handshake.headers.get('access-control-allow-origin'),
    handshakeOpened: handshake.status === 200 && handshakeText.includes('"sid"'),
    socketPreflight: socketPreflight.headers.get('access-control-allow-origin')
  }
}

const assertAllowed = async (url: string, origin: string) => {
  const answers = await corsAnswers(url, origin)
  assert.deepEqual(
    [answers.preflight, answers.rest, answers.handshake, answers.socketPreflight],
    [origin, origin, origin, origin],
    `${origin} is allowed for REST and Socket.IO: ${JSON.stringify(answers)}`
  )
  assert.match(answers.preflightHeaders.toLowerCase(), /authorization/)
  assert.ok(answers.handshakeOpened, 'the Socket.IO handshake answered with a session')
}

const assertRefused = async (url: string, origin: string) => {
  const answers = await corsAnswers(url, origin)
  assert.deepEqual(
    [answers.preflight, answers.rest, answers.handshake, answers.socketPreflight],
    [null, null, null, null],
    `${origin} gets no Access-Control-Allow-Origin: ${JSON.stringify(answers)}`
  )
}

describe('CORS', () => {
  let dataDir: string
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-test-data-'))
  })
  after(async () => {
    await killSpawnedServers()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  describe('NODE_ENV=development', () => {
    let server: SpawnedServer
    before(async function () {
      this.timeout(60_000)
      server = await spawnServer({ NODE_ENV: 'development', SERVER_ENV: 'development', DATA_DIR: dataDir })
    })
    after(() => server?.stop())

    it('allows the Vite dev server origins (localhost:5173, 127.0.0.1:5173) for REST and Socket.IO', async () => {
      for (const origin of vite) await assertAllowed(server.url, origin)
    })

    it('keeps the default origins and refuses unlisted ones', async () => {
      await assertAllowed(server.url, 'http://localhost:3000')
      for (const origin of unlisted) await assertRefused(server.url, origin)
    })

    it('CORS_ALLOWED_ORIGINS replaces the development list', async function () {
      this.timeout(60_000)
      const configured = await spawnServer({
        NODE_ENV: 'development',
        SERVER_ENV: 'development',
        DATA_DIR: dataDir,
        CORS_ALLOWED_ORIGINS: 'https://chat.example.com'
      })
      try {
        await assertAllowed(configured.url, 'https://chat.example.com')
        for (const origin of [...vite, 'http://localhost:3000']) await assertRefused(configured.url, origin)
      } finally {
        await configured.stop()
      }
    })
  })

  describe('outside development', () => {
    it('NODE_ENV=production does not allow the Vite origins', async function () {
      this.timeout(60_000)
      const production = await spawnServer({
        NODE_ENV: 'production',
        SERVER_ENV: 'production',
        DATA_DIR: dataDir,
        JWT_SECRET: 'a-real-secret-for-this-test-only'
      })
      try {
        for (const origin of vite) await assertRefused(production.url, origin)
        await assertAllowed(production.url, 'http://localhost:3000')
      } finally {
        await production.stop()
      }
    })

    it('`*` allows any origin on Socket.IO as on REST', async () => {
      const server = await startServer({ settings: { origins: ['*'] } })
      try {
        await assertAllowed(server.url, 'http://anything.example')
      } finally {
        await server.stop()
      }
    })
  })
})

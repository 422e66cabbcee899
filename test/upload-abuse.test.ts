import assert from 'node:assert/strict'
// Hostile upload and body traffic over raw TCP (node:net): uploads that abort or stall mid-body, slow JSON
// bodies, and what the instance must look like afterwards (serving, nothing left on disk, counters at zero).
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  createUser,
  eventually,
  http,
  socketClient,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
)
const BOUNDARY = 'XhostileBoundaryX'

/** Every file under `dir`, partial ones included. */
const filesIn = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : []

/** Rejects if `promise` has not settled after `ms`: the bound a recovery is allowed. */
const within = async <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, limit])
  } finally {
    clearTimeout(timer)
  }
}

/** A raw HTTP request whose body is announced in full but only `sent` of it is written. */
const partialRequest = (url: string, head: string, sent: Buffer) => {
  const { port } = new URL(url)
  const socket = net.connect(Number(port), '127.0.0.1')
  let received = ''
  socket.on('data', (d) => (received += d))
  socket.on('error', () => undefined) // a reset by the server is an expected outcome
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  const written = new Promise<void>((resolve) =>
    socket.write(Buffer.concat([Buffer.from(head), sent]), () => resolve())
  )
  return { socket, closed, written, received: () => received }
}

/** Headers + the `purpose` field + the start of the `file` part (`fileBytes` of it), of a 1 MB announced body. */
const partialUpload = (url: string, token: string | undefined, fileBytes = 16) => {
  const body = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nmessage\r\n` +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`
    ),
    Buffer.alloc(fileBytes, 7)
  ])
  const head =
    `POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    (token ? `Authorization: Bearer ${token}\r\n` : '') +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 1048576\r\n\r\n`
  return partialRequest(url, head, body)
}

const upload = async (url: string, user: TestUser, bytes = PNG) => {
  const form = new FormData()
  form.append('purpose', 'message')
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'ok.png')
  const res = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.access_token}` },
    body: form
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A REST call, a Socket.IO call and an upload, all of which must succeed. */
const assertServing = async (server: TestServer, user: TestUser) => {
  const profile = await http(server.url, 'GET', '/api/users/profile', { token: user.access_token })
  assert.equal(profile.status, 200, profile.text)
  const s = socketClient(server.url)
  try {
    await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
    const me = await s.client.service('api/users/profile').find()
    assert.equal((me as any).user_id, user.user_id)
  } finally {
    s.close()
  }
  const uploaded = await upload(server.url, user)
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body))
}

const openConnections = (server: TestServer) =>
  new Promise<number>((resolve, reject) =>
    server.server.getConnections((error, count) => (error ? reject(error) : resolve(count)))
  )

/** Calls and uploads in progress (and waiting) on the server: all zero once everything is released. */
const countersOf = (server: TestServer) => {
  const calls = server.app.get('admission').stats()
  const uploads = server.app.get('uploadAdmission').stats()
  return { calls: calls.running, waiting: calls.waiting, uploads: uploads.running }
}
const idle = { calls: 0, waiting: 0, uploads: 0 }

describe('aborted uploads', () => {
  let dir: string
  let server: TestServer
  let ann: TestUser

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-upload-abuse-'))
    server = await startServer({
      settings: {
        uploads: { dir },
        // Bodies may stall for a minute: what is released here is released by the abort alone.
        limits: {
          bodyIdleTimeoutMs: 60_000,
          bodyTimeoutMs: 60_000,
          maxConcurrentUploads: 64,
          maxConcurrentUploadsPerUser: 64
        }
      }
    })
    ann = await createUser(server.url, 'Abuse Ann')
  })
  after(async () => {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('64 uploads aborted mid-file release everything: the instance serves again within a bounded time', async () => {
    const clients = Array.from({ length: 64 }, () => partialUpload(server.url, ann.access_token))
    await Promise.all(clients.map((c) => c.written))
    // Every one of them reached the upload service and holds an upload slot.
    await eventually(() => assert.equal(countersOf(server).uploads, 64))
    const started = Date.now()
    clients.forEach((c) => c.socket.destroy())
    await within(5000, 'recovery after 64 aborted uploads', assertServing(server, ann))
    await within(
      5000,
      'admission counters back to zero',
      eventually(() => assert.deepEqual(countersOf(server), idle))
    )
    console.log(`      (recovered in ${Date.now() - started} ms)`)
    const files = filesIn(dir)
    assert.equal(files.length, 1, `only the successful upload is on disk: ${files.join(', ')}`)
    assert.ok(files.every((f) => !f.endsWith('.partial')))
  })

  it('an empty file is answered (400 naming it) within a bounded time and leaves nothing', async () => {
    const before = filesIn(dir).length
    const answers = await within(
      5000,
      '16 empty uploads answered',
      Promise.all(Array.from({ length: 16 }, () => upload(server.url, ann, Buffer.alloc(0))))
    )
    for (const answer of answers) {
      assert.equal(answer.status, 400, JSON.stringify(answer.body))
      assert.match(answer.body.message, /file is empty/)
    }
    assert.equal(filesIn(dir).length, before)
    assert.deepEqual(countersOf(server), idle)
  })

  it('refused uploads (no token, bad token) that then abort mid-file do not bring the server down', async () => {
    const clients = Array.from({ length: 16 }, (_, i) =>
      partialUpload(server.url, i % 2 ? 'not-a-token' : undefined)
    )
    await Promise.all(clients.map((c) => c.written))
    await within(
      5000,
      'every refusal answered',
      eventually(() => assert.ok(clients.every((c) => /^HTTP\/1\.1 401/.test(c.received()))))
    )
    clients.forEach((c) => c.socket.destroy())
    // The server has seen every close (where an unhandled stream error would crash it) before going on.
    await within(
      5000,
      'connections closed on the server',
      eventually(async () => assert.equal(await openConnections(server), 0))
    )
    await within(5000, 'serving after refused, aborted uploads', assertServing(server, ann))
  })
})

describe('stalled request bodies', () => {
  let dir: string
  let server: TestServer
  let ann: TestUser

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-upload-stall-'))
    server = await startServer({
      settings: {
        uploads: { dir },
        limits: {
          bodyIdleTimeoutMs: 500,
          bodyTimeoutMs: 2000,
          maxConcurrentUploads: 64,
          maxConcurrentUploadsPerUser: 64
        }
      }
    })
    ann = await createUser(server.url, 'Stall Ann')
  })
  after(async () => {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('64 stalled uploads (some bytes, then nothing) are cut off within a bounded time, with a 408', async () => {
    const before = filesIn(dir).length
    const clients = Array.from({ length: 64 }, () => partialUpload(server.url, ann.access_token))
    await Promise.all(clients.map((c) => c.written))
    await within(
      10_000,
      'every stalled upload closed by the server',
      Promise.all(clients.map((c) => c.closed))
    )
    assert.ok(
      clients.some((c) => /^HTTP\/1\.1 408/.test(c.received())),
      clients[0].received()
    )
    await within(5000, 'serving after stalled uploads', assertServing(server, ann))
    assert.deepEqual(countersOf(server), idle)
    assert.equal(filesIn(dir).length, before + 1, 'only the successful upload was added')
  })

  it('an upload trickling one byte at a time is cut off by the total body timeout within a bounded time', async () => {
    const client = partialUpload(server.url, ann.access_token)
    await client.written
    const trickle = setInterval(() => client.socket.write('x'), 100) // always under the idle timeout
    try {
      await within(8000, 'the trickling upload closed by the server', client.closed)
    } finally {
      clearInterval(trickle)
    }
    assert.match(client.received(), /^HTTP\/1\.1 408/)
    await within(
      5000,
      'admission slot given back',
      eventually(() => assert.deepEqual(countersOf(server), idle))
    )
  })

  it('a stalled JSON body is cut off too (408) within a bounded time', async () => {
    const head =
      `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: 200\r\n\r\n`
    const clients = Array.from({ length: 16 }, () =>
      partialRequest(server.url, head, Buffer.from('{"email":'))
    )
    await within(8000, 'stalled JSON bodies closed by the server', Promise.all(clients.map((c) => c.closed)))
    for (const c of clients) assert.match(c.received(), /^HTTP\/1\.1 408/)
    assert.match(clients[0].received(), /"name":"Timeout"|"className":"timeout"/)
  })
})

describe('/health when every call slot is stuck', () => {
  let server: TestServer
  let ann: TestUser

  before(async () => {
    // Two call slots, declared stuck after 300 ms without a call finishing.
    server = await startServer({ settings: { limits: { maxConcurrentCalls: 2, admissionStallMs: 300 } } })
    ann = await createUser(server.url, 'Stuck Ann')
  })
  after(() => server.stop())

  it('answers 503 "saturated" while calls hold every slot with no progress, and 200 once they finish', async () => {
    // A service whose calls hang until released: what a stuck dependency looks like from admission.
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    server.app.use('api/test-hang' as any, { find: async () => (await gate, []) } as any)
    const s = socketClient(server.url)
    try {
      await s.client.authenticate({ strategy: 'jwt', accessToken: ann.access_token })
      const hanging = [1, 2, 3].map(() => (s.client as any).service('api/test-hang').find())
      await within(
        5000,
        'health reports the stuck instance',
        eventually(async () => {
          const health = await http(server.url, 'GET', '/health')
          assert.equal(health.status, 503, health.text)
          assert.equal(health.body.status, 'saturated')
          assert.deepEqual(health.body.admission.running, 2)
          assert.deepEqual(health.body.admission.waiting, 1)
        })
      )
      release()
      await Promise.all(hanging)
    } finally {
      release()
      s.close()
    }
    await within(
      5000,
      'health back to ok',
      eventually(async () => {
        const health = await http(server.url, 'GET', '/health')
        assert.equal(health.status, 200, health.text)
        assert.equal(health.body.status, 'ok')
      })
    )
  })
})

describe('uploads in progress have their own bounded slots', () => {
  let dir: string
  let server: TestServer

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-upload-slots-'))
    server = await startServer({
      settings: {
        uploads: { dir },
        // Bodies may stall for a minute: only the upload slots bound what slow uploads can hold.
        limits: {
          maxConcurrentCalls: 4,
          maxConcurrentUploads: 3,
          maxConcurrentUploadsPerUser: 2,
          bodyIdleTimeoutMs: 60_000,
          bodyTimeoutMs: 60_000
        }
      }
    })
  })
  after(async () => {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the per-user cap holds against simultaneous uploads of one user: 2 held, the other 4 refused with 429', async () => {
    const dan = await createUser(server.url, 'Slots Dan')
    const clients = Array.from({ length: 6 }, () => partialUpload(server.url, dan.access_token))
    try {
      await Promise.all(clients.map((c) => c.written))
      await within(
        5000,
        'four refusals',
        eventually(() => assert.equal(clients.filter((c) => c.received()).length, 4))
      )
      for (const c of clients.filter((c) => c.received())) assert.match(c.received(), /^HTTP\/1\.1 429/)
      assert.equal(countersOf(server).uploads, 2)
    } finally {
      clients.forEach((c) => c.socket.destroy())
    }
    await within(
      5000,
      'slots given back',
      eventually(() => assert.deepEqual(countersOf(server), idle))
    )
  })

  it('slow uploads cannot take the call slots: over the per-user cap 429, over the instance cap 503, at once', async () => {
    const [ann, bob, cat] = await Promise.all(
      ['Slots Ann', 'Slots Bob', 'Slots Cat'].map((name) => createUser(server.url, name))
    )
    const held = [
      partialUpload(server.url, ann.access_token),
      partialUpload(server.url, ann.access_token),
      partialUpload(server.url, bob.access_token)
    ]
    try {
      await Promise.all(held.map((c) => c.written))
      await eventually(() => assert.equal(countersOf(server).uploads, 3))
      const annAgain = await within(5000, 'third upload of one user answered', upload(server.url, ann))
      assert.equal(annAgain.status, 429, JSON.stringify(annAgain.body))
      assert.match(annAgain.body.message, /2 uploads in progress/)
      const catsUpload = await within(5000, 'upload over the instance cap answered', upload(server.url, cat))
      assert.equal(catsUpload.status, 503, JSON.stringify(catsUpload.body))
      assert.equal(countersOf(server).calls, 0, 'uploads hold no call slot')
      // Everything else is served while the upload slots are full (4 call slots, 3 stalled uploads).
      const profile = await http(server.url, 'GET', '/api/users/profile', { token: cat.access_token })
      assert.equal(profile.status, 200)
    } finally {
      held.forEach((c) => c.socket.destroy())
    }
    await within(
      5000,
      'upload slots given back',
      eventually(() => assert.deepEqual(countersOf(server), idle))
    )
    await assertServing(server, cat)
  })
})

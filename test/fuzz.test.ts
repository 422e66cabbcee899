import assert from 'node:assert/strict'
// Property-based fuzz test (fast-check) of everything a client can reach: every REST operation of the OpenAPI
// document and every Socket.IO method of every registered service, with hostile ids, bodies, queries and
// headers, as Alice (mostly), anonymous, or with a bogus token, in a seeded world (test/fuzz/world.ts).
// Properties: never a 5xx; a refusal is in the Feathers error shape with its status as code; no stack or
// file path in any answer; a refused call writes nothing (every main table's fingerprint is unchanged).
//
// In the suite: a fixed seed and a few thousand cases. `npm run fuzz` runs longer with a random seed
// (printed); FUZZ_RUNS sets the number of cases per transport, FUZZ_SEED replays a run.
import fs from 'node:fs'
import { request as httpRequest } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { getServiceOptions } from '@feathersjs/feathers'
import type { Socket } from 'socket.io-client'
import { rawSocket, socketCall, startServer, type TestServer } from './helpers'
import { assertClientError, STACK } from './client-errors'
import { fingerprint, repair, seedWorld, type World } from './fuzz/world'
import {
  restCase,
  restOperations,
  socketCase,
  socketMethods,
  type RestCase,
  type RestOperation,
  type SocketCase,
  type SocketMethod
} from './fuzz/cases'

const long = process.env.FUZZ === 'long'
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : long ? Date.now() % 2 ** 31 : 20261202
const restRuns = Number(process.env.FUZZ_RUNS ?? (long ? 20_000 : 2000))
const socketRuns = Number(process.env.FUZZ_RUNS ?? (long ? 10_000 : 1000))

/** Status counts per route (or socket method), printed as the summary table. */
class Tally {
  readonly counts = new Map<string, Map<string, number>>()
  add(name: string, status: string) {
    const row = this.counts.get(name) ?? new Map<string, number>()
    row.set(status, (row.get(status) ?? 0) + 1)
    this.counts.set(name, row)
  }
  total = () =>
    [...this.counts.values()].reduce((n, row) => n + [...row.values()].reduce((a, b) => a + b, 0), 0)
  print(title: string, names: string[]) {
    const width = Math.max(...names.map((n) => n.length))
    const lines = names.map((name) => {
      const row = this.counts.get(name) ?? new Map()
      const cases = [...row.values()].reduce((a, b) => a + b, 0)
      const statuses = [...row.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')
      return `    ${name.padEnd(width)}  ${String(cases).padStart(5)}  ${statuses}`
    })
    const all = new Map<string, number>()
    for (const row of this.counts.values()) for (const [s, n] of row) all.set(s, (all.get(s) ?? 0) + n)
    const overall = [...all.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}×${n}`)
      .join(' ')
    console.log(`\n  ${title}: ${names.length} targets, ${this.total()} cases, seed ${seed}`)
    console.log(lines.join('\n'))
    console.log(`    ${'all'.padEnd(width)}  ${String(this.total()).padStart(5)}  ${overall}`)
  }
}

/** A call that took apart Alice's world or session: the test seeds it again before the next case. */
const destructive = (method: string, path: string) =>
  method === 'DELETE' || method === 'remove' || /leave|logout|authentication|members/.test(path)

describe('fuzz: every route and socket method with hostile input', function () {
  this.timeout(long ? 0 : 180_000)
  let server: TestServer
  let world: World
  let ops: RestOperation[]
  let methods: SocketMethod[]
  let uploadDir: string | undefined
  const rest = new Tally()
  const sockets = new Tally()

  before(async () => {
    console.log(`  (fuzz seed ${seed}; replay with FUZZ_SEED=${seed})`)
    // High limits: the rate limits would refuse a flood of calls from one user and one address.
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-uploads-'))
    server = await startServer({
      settings: {
        uploads: { dir: uploadDir },
        limits: {
          loginPerIpPerMinute: 10_000_000,
          loginPerEmailPerMinute: 10_000_000,
          registerPerIpPerMinute: 10_000_000,
          messagesPerUserPer10s: 10_000_000,
          socketEventsPerSecond: 10_000_000
        }
      }
    })
    const doc = await (await fetch(`${server.url}/docs/openapi.json`)).json()
    ops = restOperations(doc)
    methods = socketMethods(
      Object.keys(server.app.services).map((path) => ({
        path,
        methods: getServiceOptions(server.app.service(path as any))?.methods ?? []
      }))
    )
    world = await seedWorld(server.url)
  })
  after(async () => {
    if (ops)
      rest.print(
        'REST (OpenAPI operations)',
        ops.map((op) => op.name)
      )
    if (methods)
      sockets.print(
        'Socket.IO (service methods)',
        methods.map((m) => m.name)
      )
    await server?.stop()
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  const db = () => server.app.get('postgresqlClient')

  /** node:http rather than fetch: fetch refuses a body on GET and DELETE, which a client can still send. */
  const sendRest = (c: RestCase) =>
    new Promise<{ status: number; body: any; text: string }>((resolve, reject) => {
      // An explicit length: without one Node sends a GET body unframed and the server reads it as a request.
      const length = c.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(c.body)) }
      const request = httpRequest(
        `${server.url}${c.url}`,
        // A connection per case: after a 413 or 431 the server closes its end, and a reused socket then
        // fails the next case with ECONNRESET (the client's race, not the server's answer).
        { method: c.op.method, headers: { ...c.headers, ...length }, agent: false },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let body: any = text
            try {
              body = JSON.parse(text)
            } catch {
              // not JSON (file content, metrics): checked as text
            }
            resolve({ status: res.statusCode ?? 0, body, text })
          })
        }
      )
      request.setTimeout(10_000, () => request.destroy(new Error(`${c.describe}: no answer within 10 s`)))
      request.on('error', reject)
      request.end(c.body)
    })

  it('REST: never a 5xx, errors in the Feathers shape, no stack, a refused call writes nothing', async () => {
    const bogus = [world.alice.refresh_token, world.carol.refresh_token, world.bob.access_token.slice(0, -2)]
    await fc.assert(
      fc.asyncProperty(restCase(ops, world, bogus), async (c) => {
        const before = await fingerprint(db())
        const res = await sendRest(c)
        rest.add(c.op.name, String(res.status))
        const binary = c.op.path.endsWith('/content') && res.status < 300
        // Node's HTTP parser answers a request line and headers over 16 KB itself (431, no body) before
        // the application sees the request; nothing of the server leaks and nothing runs.
        const tooLong = res.status === 431 && res.text === ''
        if (!binary && !tooLong) assertClientError(c.describe, res.status, res.body, res.text)
        if (res.status >= 400) {
          assert.equal(await fingerprint(db()), before, `${c.describe}: refused with ${res.status} but wrote`)
        } else if (destructive(c.op.method, c.op.path)) {
          await repair(server.url, world, c.op.path)
        }
      }),
      { seed, numRuns: restRuns }
    )
    // Every documented operation was tried.
    assert.deepEqual(
      ops.filter((op) => !rest.counts.has(op.name)).map((op) => op.name),
      [],
      'operations the fuzz never reached'
    )
  })

  it('Socket.IO: never a 5xx, errors in the Feathers shape, no stack, never a hang, a refusal writes nothing', async () => {
    let authed: Socket | undefined
    let anonymous: Socket | undefined
    const call = (socket: Socket, c: SocketCase) =>
      socketCall(socket, c.method.method, c.args, {
        timeoutMs: 10_000,
        timeoutMessage: `${c.describe}: no answer within 10 s`
      })
    try {
      await fc.assert(
        fc.asyncProperty(socketCase(methods, ops, world), async (c) => {
          if (!authed?.connected) authed = await rawSocket(server.url, world.alice.access_token)
          if (!anonymous?.connected) anonymous = await rawSocket(server.url)
          const socket = c.anonymous ? anonymous : authed
          const before = await fingerprint(db())
          const answer = await call(socket, c)
          const code = answer.error ? (typeof answer.error.code === 'number' ? answer.error.code : 500) : 200
          sockets.add(c.method.name, answer.error ? String(code) : 'ok')
          if (answer.error) {
            const text = JSON.stringify(answer.error)
            assertClientError(`socket ${c.describe}`, code, answer.error, text)
            assert.equal(
              await fingerprint(db()),
              before,
              `socket ${c.describe}: refused with ${code} but wrote`
            )
          } else {
            assert.doesNotMatch(JSON.stringify(answer.result ?? null), STACK, `socket ${c.describe}`)
            if (destructive(c.method.method, c.path) || c.anonymous) {
              // Seeded again, and both sockets start over (an accepted call may have (de)authenticated one).
              if (destructive(c.method.method, c.path)) await repair(server.url, world, c.path)
              authed.close()
              anonymous.close()
            }
          }
        }),
        { seed, numRuns: socketRuns }
      )
    } finally {
      authed?.close()
      anonymous?.close()
    }
    assert.deepEqual(
      methods.filter((m) => !sockets.counts.has(m.name)).map((m) => m.name),
      [],
      'socket methods the fuzz never reached'
    )
  })
})

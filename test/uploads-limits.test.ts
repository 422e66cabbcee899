import assert from 'node:assert/strict'
// Per-user upload limits: a rate limit (uploads per minute) and a storage quota (bytes stored), each with
// another user who must not be affected.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createUser, http, startServer, type TestServer, type TestUser } from './helpers'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
)

const filesIn = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : []

const upload = async (url: string, user: TestUser, bytes = PNG) => {
  const form = new FormData()
  form.append('purpose', 'message')
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'q.png')
  const res = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.access_token}` },
    body: form
  })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

describe('upload rate limit per user', () => {
  let dir: string
  let server: TestServer

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-upload-rate-'))
    server = await startServer({ settings: { uploads: { dir }, limits: { uploadsPerUserPerMinute: 3 } } })
  })
  after(async () => {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a user’s uploads beyond the budget with 429 and Retry-After; another user is unaffected', async () => {
    const ann = await createUser(server.url, 'Rate Ann')
    const bob = await createUser(server.url, 'Rate Bob')
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await upload(server.url, ann)).status)
    assert.deepEqual(statuses, [201, 201, 201, 429])
    const refused = await upload(server.url, ann)
    assert.equal(refused.body.name, 'TooManyRequests')
    assert.ok(Number(refused.headers.get('retry-after')) >= 1)
    assert.equal(filesIn(dir).length, 3, 'a refused upload stores nothing')
    assert.equal((await upload(server.url, bob)).status, 201)
  })
})

describe('upload storage quota per user', () => {
  let dir: string
  let server: TestServer
  const quota = PNG.length * 2 + 10 // room for two PNGs

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-upload-quota-'))
    server = await startServer({
      // Enough upload slots per user for the concurrent case to reach the quota check.
      settings: { uploads: { dir, quotaBytesPerUser: quota }, limits: { maxConcurrentUploadsPerUser: 10 } }
    })
  })
  after(async () => {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const rowsOf = (user: TestUser) =>
    server.app.get('postgresqlClient')('files').where({ user_id: user.user_id })

  it('refuses the upload that would pass the quota with 413 naming it, keeps nothing; removing a file frees quota', async () => {
    const ann = await createUser(server.url, 'Quota Ann')
    const bob = await createUser(server.url, 'Quota Bob')
    const first = await upload(server.url, ann)
    assert.equal(first.status, 201)
    assert.equal((await upload(server.url, ann)).status, 201)
    const onDisk = filesIn(dir).length
    const over = await upload(server.url, ann)
    assert.equal(over.status, 413, JSON.stringify(over.body))
    assert.equal(over.body.name, 'PayloadTooLarge')
    assert.match(over.body.message, /quota/i)
    assert.equal(over.body.data.quotaBytes, quota)
    assert.equal(filesIn(dir).length, onDisk, 'the refused file is not kept on disk')
    assert.equal((await rowsOf(ann)).length, 2)
    assert.equal((await upload(server.url, bob)).status, 201, 'another user has their own quota')
    const removed = await http(server.url, 'DELETE', `/api/files/${first.body.file_id}`, {
      token: ann.access_token
    })
    assert.equal(removed.status, 200)
    assert.equal((await upload(server.url, ann)).status, 201, 'a removed file frees its quota')
  })

  it('holds under concurrent uploads: of 6 at once, only what fits is stored', async () => {
    const eve = await createUser(server.url, 'Quota Eve')
    const results = await Promise.all(Array.from({ length: 6 }, () => upload(server.url, eve)))
    const statuses = results.map((r) => r.status).sort()
    assert.deepEqual(statuses, [201, 201, 413, 413, 413, 413])
    const rows = await rowsOf(eve)
    assert.equal(rows.length, 2)
    assert.ok(rows.reduce((sum: number, r: any) => sum + Number(r.size), 0) <= quota)
  })
})

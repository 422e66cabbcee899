import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  assertNoSecretsSeen,
  createUser,
  eventually,
  http,
  openPrivateChat,
  postMessage,
  recordEvents,
  socketClient,
  startServer,
  uploadFile,
  type TestServer,
  type TestUser
} from './helpers'

// A 1×1 PNG: real bytes, so the type is sniffed, not taken from the client.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
)
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'
)

const filesIn = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : []

describe('uploads and files', () => {
  let server: TestServer
  let dir: string
  let ann: TestUser
  let bob: TestUser
  let eve: TestUser

  const upload = (
    user: TestUser | undefined,
    purpose: string,
    bytes: Buffer,
    filename = 'x.png',
    type = 'image/png'
  ) => uploadFile(server.url, user?.access_token, purpose, bytes, filename, type)
  const content = (url: string, user?: TestUser, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, {
      headers: { ...headers, ...(user ? { authorization: `Bearer ${user.access_token}` } : {}) }
    })

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-uploads-'))
    server = await startServer({ settings: { uploads: { dir, maxFileSize: 4096 } } })
    ann = await createUser(server.url, 'Up Ann')
    bob = await createUser(server.url, 'Up Bob')
    eve = await createUser(server.url, 'Up Eve')
  })
  after(async () => {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('stores an avatar under a generated name, with the sniffed type, and answers the file record', async () => {
    const res = await upload(ann, 'avatar', PNG, '../../etc/passwd.png', 'text/plain')
    assert.equal(res.status, 201)
    assert.deepEqual(Object.keys(res.body).sort(), [
      'created_at',
      'file_id',
      'filename',
      'mime_type',
      'purpose',
      'size',
      'url',
      'user_id'
    ])
    assert.equal(res.body.mime_type, 'image/png', 'sniffed from the bytes, not the claimed text/plain')
    assert.equal(res.body.size, PNG.length)
    assert.equal(res.body.filename, 'passwd.png', 'no path from the client')
    assert.equal(res.body.url, `/api/files/${res.body.file_id}/content`)
    const stored = filesIn(dir)
    assert.ok(stored.length >= 1)
    assert.ok(
      stored.every((name) => !name.includes('passwd') && /^[0-9a-f]{32}$/.test(name)),
      stored.join(',')
    )
  })

  it('refuses a non-image avatar (415), an unknown purpose, a missing file, JSON and anonymous uploads', async () => {
    const before = filesIn(dir).length
    const pdfAvatar = await upload(ann, 'avatar', PDF, 'me.png', 'image/png')
    assert.equal(pdfAvatar.status, 415)
    assert.match(pdfAvatar.body.message, /avatar must be one of/)
    assert.equal((await upload(ann, 'wallpaper', PNG)).status, 400)
    const noFile = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann.access_token}` },
      body: (() => {
        const f = new FormData()
        f.append('purpose', 'avatar')
        return f
      })()
    })
    assert.equal(noFile.status, 400)
    assert.equal(
      (
        await http(server.url, 'POST', '/api/uploads', {
          token: ann.access_token,
          body: { purpose: 'avatar' }
        })
      ).status,
      400
    )
    assert.equal((await upload(undefined, 'avatar', PNG)).status, 401)
    assert.equal(filesIn(dir).length, before, 'nothing left on disk')
  })

  it('enforces MAX_FILE_SIZE while streaming: 413 and the partial file is removed', async () => {
    const before = filesIn(dir).length
    const big = Buffer.concat([PDF, Buffer.alloc(10_000, 7)])
    const res = await upload(ann, 'message', big, 'big.pdf', 'application/pdf')
    assert.equal(res.status, 413)
    assert.equal(res.body.code, 413)
    assert.equal(filesIn(dir).length, before)
    const rows = await server.app.get('postgresqlClient')('files').where({ filename: 'big.pdf' })
    assert.equal(rows.length, 0)
  })

  it('serves avatars to any signed-in user inline, with nosniff and ranges; ?access_token for <img>', async () => {
    const avatar = (await upload(ann, 'avatar', PNG, 'a.png')).body
    const res = await content(avatar.url, eve)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'image/png')
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.match(res.headers.get('content-disposition')!, /^inline/)
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG)
    const part = await content(avatar.url, eve, { range: 'bytes=0-7' })
    assert.equal(part.status, 206)
    assert.equal(part.headers.get('content-range'), `bytes 0-7/${PNG.length}`)
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), PNG.subarray(0, 8))
    const tail = await content(avatar.url, eve, { range: 'bytes=-4' })
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), PNG.subarray(PNG.length - 4))
    assert.equal((await content(avatar.url, eve, { range: 'bytes=99999-' })).status, 416)
    assert.equal((await content(avatar.url)).status, 401)
    const viaQuery = await fetch(`${server.url}${avatar.url}?access_token=${eve.access_token}`)
    assert.equal(viaQuery.status, 200)
  })

  it('message attachments: only the uploader and members of a chat carrying it can read them', async () => {
    const pdf = (await upload(ann, 'message', PDF, 'report.pdf', 'application/pdf')).body
    assert.equal(pdf.mime_type, 'application/pdf')
    assert.equal((await content(pdf.url, ann)).status, 200)
    assert.equal((await content(pdf.url, bob)).status, 404, 'not shared yet')
    const chat = await openPrivateChat(server.url, ann, bob)
    const sent = await postMessage(server.url, ann, chat.chat_id, {
      content: 'the report',
      type: 'file',
      file_id: pdf.file_id
    })
    assert.equal(sent.status, 201)
    assert.deepEqual(sent.body.file, pdf, 'the message carries the file’s metadata')
    const res = await content(pdf.url, bob)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename\*=UTF-8''report\.pdf/)
    assert.equal((await content(pdf.url, eve)).status, 404)
    assert.equal(
      (await http(server.url, 'GET', `/api/files/${pdf.file_id}`, { token: eve.access_token })).status,
      404
    )
    assert.equal(
      (await http(server.url, 'GET', `/api/files/${pdf.file_id}`, { token: bob.access_token })).status,
      200
    )
  })

  it('a file message needs the sender’s own upload with purpose message', async () => {
    const chat = await openPrivateChat(server.url, bob, ann)
    const annsFile = (await upload(ann, 'message', PNG, 'p.png')).body
    const bobsAvatar = (await upload(bob, 'avatar', PNG, 'b.png')).body
    const send = (file_id: string, type = 'image') =>
      postMessage(server.url, bob, chat.chat_id, { content: '', type, file_id })
    assert.equal((await send(annsFile.file_id)).status, 400)
    assert.equal((await send(bobsAvatar.file_id)).status, 400)
    const bobsImage = (await upload(bob, 'message', PNG, 'ok.png')).body
    const ok = await send(bobsImage.file_id)
    assert.equal(ok.status, 201)
    assert.equal(ok.body.file.mime_type, 'image/png')
  })

  it('deletes: uploader only; row and bytes go; messages keep a tombstone attachment, announced as patched', async () => {
    const chat = await openPrivateChat(server.url, ann, eve)
    const img = (await upload(ann, 'message', PNG, 'gone.png')).body
    const sent = await postMessage(server.url, ann, chat.chat_id, {
      content: 'look',
      type: 'image',
      file_id: img.file_id
    })
    const eveSocket = socketClient(server.url)
    try {
      await eveSocket.client.authenticate({ strategy: 'jwt', accessToken: eve.access_token })
      const patched = recordEvents(eveSocket.client, 'api/messages', ['patched'])
      assert.equal(
        (await http(server.url, 'DELETE', `/api/files/${img.file_id}`, { token: eve.access_token })).status,
        403
      )
      assert.equal(
        (await http(server.url, 'DELETE', `/api/files/${img.file_id}`, { token: bob.access_token })).status,
        404
      )
      const before = filesIn(dir).length
      const removed = await http(server.url, 'DELETE', `/api/files/${img.file_id}`, {
        token: ann.access_token
      })
      assert.equal(removed.status, 200)
      assert.equal(filesIn(dir).length, before - 1, 'the bytes are gone')
      assert.equal((await content(img.url, ann)).status, 404)
      const message = await http(server.url, 'GET', `/api/messages/${sent.body.message_id}`, {
        token: eve.access_token
      })
      assert.equal(message.body.file_id, null)
      assert.deepEqual(message.body.file, { deleted: true })
      await eventually(() => assert.equal(patched.length, 1))
      assert.deepEqual(patched[0].data.file, { deleted: true })
    } finally {
      eveSocket.close()
    }
  })

  after(assertNoSecretsSeen)
})

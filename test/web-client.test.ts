// The reference web client as the server serves it (web/dist, built by `npm run build`; built here when
// missing): index.html at `/` with the client's own CSP, hashed assets with their type and a long cache, the
// SPA fallback that never swallows API paths, no file outside web/dist, and built files that name no other
// origin. The client's behaviour in a real browser is tested by the browser tests.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import nodeHttp from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { defaultWebClientDir } from '../src/middleware/web-client'
import { http, startServer, type TestServer } from './helpers'

const dist = defaultWebClientDir()
const root = path.resolve(__dirname, '..')

const buildIfMissing = () => {
  if (fs.existsSync(path.join(dist, 'index.html'))) return
  const manifest = require.resolve('vite/package.json', { paths: [root] })
  const vite = path.join(path.dirname(manifest), JSON.parse(fs.readFileSync(manifest, 'utf8')).bin.vite)
  const result = spawnSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit'
  })
  assert.equal(result.status, 0, 'vite build web failed')
}

/** Every file under a directory, relative paths with `/`. */
const filesUnder = (dir: string, prefix = ''): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`]
    )

/** The directives of a CSP header, by name. */
const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name, values])
  )

/** A GET with exactly these headers (fetch adds its own Host and, with If-Modified-Since, Cache-Control). */
const rawGet = (url: string, urlPath: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: nodeHttp.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = nodeHttp.get({ host: hostname, port, path: urlPath, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
  })

describe('web client (served at /)', function () {
  this.timeout(120_000) // a first build takes a few seconds
  let server: TestServer
  let indexHtml: string

  before(async () => {
    buildIfMissing()
    indexHtml = fs.readFileSync(path.join(dist, 'index.html'), 'utf8')
    server = await startServer()
  })
  after(() => server?.stop())

  it('serves the built index.html at / with no-cache and a CSP that allows this origin only', async () => {
    const res = await http(server.url, 'GET', '/')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
    assert.equal(res.text, indexHtml)
    assert.equal(res.headers.get('cache-control'), 'no-cache')
    const csp = directives(res.headers.get('content-security-policy'))
    const host = new URL(server.url).host
    assert.deepEqual(csp.get('default-src'), ["'none'"])
    assert.deepEqual(csp.get('script-src'), ["'self'"])
    assert.deepEqual(csp.get('style-src'), ["'self'"])
    assert.deepEqual(csp.get('connect-src'), ["'self'", `ws://${host}`, `wss://${host}`])
    assert.deepEqual(csp.get('img-src'), ["'self'", 'blob:', 'data:'])
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"])
    for (const [name, values] of csp) {
      assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'"), name)
    }
  })

  it('puts no Host header that is not a plain host:port into the policy', async () => {
    const res = await rawGet(server.url, '/', { host: "evil.example; script-src 'unsafe-inline'" })
    const csp = directives(String(res.headers['content-security-policy']))
    assert.deepEqual(csp.get('connect-src'), ["'self'"])
    assert.deepEqual(csp.get('script-src'), ["'self'"])
  })

  it('index.html loads only same-origin files and has no inline script or style (the CSP would block them)', () => {
    const references = [...indexHtml.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    assert.ok(
      references.some((ref) => /^\/assets\/.+\.js$/.test(ref)),
      'a hashed script'
    )
    assert.ok(
      references.some((ref) => /^\/assets\/.+\.css$/.test(ref)),
      'a hashed stylesheet'
    )
    for (const ref of references) assert.match(ref, /^\/[^/]/, `${ref} is a same-origin path`)
    assert.doesNotMatch(indexHtml, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>')
    assert.doesNotMatch(indexHtml, /<style|\sstyle="/, 'no inline style')
  })

  it('serves every hashed asset with its content type and an immutable one-year cache', async () => {
    const assets = filesUnder(path.join(dist, 'assets'))
    assert.ok(assets.length >= 2)
    const types: Record<string, RegExp> = {
      '.js': /^(text|application)\/javascript/,
      '.css': /^text\/css/,
      '.svg': /^image\/svg\+xml/
    }
    for (const asset of assets) {
      const res = await http(server.url, 'GET', `/assets/${asset}`)
      assert.equal(res.status, 200, asset)
      const expected = types[path.extname(asset)]
      if (expected) assert.match(res.headers.get('content-type') ?? '', expected, asset)
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', asset)
      assert.equal(res.text, fs.readFileSync(path.join(dist, 'assets', asset), 'utf8'), asset)
      assert.ok(res.headers.get('content-security-policy')?.includes("script-src 'self'"), asset)
    }
  })

  it('serves the other built files (favicon) without a long cache', async () => {
    const res = await http(server.url, 'GET', '/favicon.svg')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/)
    assert.equal(res.headers.get('cache-control'), 'no-cache')
  })

  it('answers a client route such as /chats/xyz with index.html (SPA fallback)', async () => {
    for (const route of ['/chats/xyz', '/chats/01ABC/thread/02DEF', '/settings?tab=profile']) {
      const res = await http(server.url, 'GET', route)
      assert.equal(res.status, 200, route)
      assert.equal(res.text, indexHtml, route)
      assert.equal(res.headers.get('cache-control'), 'no-cache', route)
      assert.ok(res.headers.get('content-security-policy')?.includes("connect-src 'self'"), route)
    }
  })

  it('answers a revalidation of index.html with 304 when it did not change', async () => {
    const first = await http(server.url, 'GET', '/')
    const lastModified = first.headers.get('last-modified')
    assert.ok(lastModified, 'Last-Modified on index.html')
    const again = await rawGet(server.url, '/', { 'if-modified-since': lastModified })
    assert.equal(again.status, 304)
    assert.equal(again.text, '')
    const older = new Date(Date.parse(lastModified) - 60_000).toUTCString()
    const changed = await rawGet(server.url, '/', { 'if-modified-since': older })
    assert.equal(changed.status, 200)
    assert.equal(changed.text, indexHtml)
  })

  it('HEAD / answers the headers of index.html without a body', async () => {
    const res = await http(server.url, 'HEAD', '/')
    assert.equal(res.status, 200)
    assert.equal(res.text, '')
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(indexHtml)))
  })

  it('leaves API, docs, health, metrics and Socket.IO paths to the server: an unknown API path is a JSON 404', async () => {
    for (const route of ['/api/nope', '/api/chats/x/y/z/nope', '/api', '/uploads/x', '/files/x']) {
      const res = await http(server.url, 'GET', route)
      assert.equal(res.status, 404, route)
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, route)
      assert.equal(res.body.name, 'NotFound', route)
    }
    const health = await http(server.url, 'GET', '/health')
    assert.equal(health.status, 200)
    assert.match(health.headers.get('content-type') ?? '', /json/)
    const docs = await http(server.url, 'GET', '/docs/openapi.json')
    assert.equal(docs.status, 200)
    assert.equal(docs.body.openapi.startsWith('3.1'), true)
    const socket = await http(server.url, 'GET', '/socket.io/?EIO=4&transport=polling')
    assert.notEqual(socket.text, indexHtml)
  })

  it('does not answer other methods with the page', async () => {
    const res = await http(server.url, 'POST', '/chats/xyz', { body: {} })
    assert.equal(res.status, 404)
    assert.notEqual(res.text, indexHtml)
  })

  it('a missing hashed asset is a 404, never index.html served as a script', async () => {
    const res = await http(server.url, 'GET', '/assets/index-doesnotexist.js')
    assert.equal(res.status, 404)
    assert.notEqual(res.text, indexHtml)
  })

  it('serves nothing from outside web/dist (encoded dot segments, backslashes, NUL)', async () => {
    const secret = fs.readFileSync(path.join(root, 'package.json'), 'utf8')
    for (const attempt of [
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/index.html%00.js',
      '/%E0%A4%A'
    ]) {
      const res = await http(server.url, 'GET', attempt)
      assert.notEqual(res.text, secret, attempt)
      assert.ok(!res.text.includes('"devDependencies"'), attempt)
      assert.ok(res.status === 200 || res.status === 404 || res.status === 400, `${attempt}: ${res.status}`)
    }
  })

  it('the built files reference no other origin (no CDN, no external fetch, system fonts only)', () => {
    // XML namespace names are identifiers the DOM compares, never fetched; the socket.io-client link is the
    // text of an error message. Any other http(s) URL in the build fails this test.
    const allowed = new Set([
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/1999/xhtml',
      'http://www.w3.org/1998/Math/MathML',
      'http://www.w3.org/1999/xlink',
      'http://www.w3.org/XML/1998/namespace',
      'https://socket.io/docs/v3/migrating-from-2-x-to-3-0/'
    ])
    const found: string[] = []
    for (const file of filesUnder(dist)) {
      const text = fs.readFileSync(path.join(dist, file), 'utf8')
      for (const [url] of text.matchAll(/\b(?:https?|wss?):\/\/[A-Za-z0-9.-]+[^\s"'`)<>]*/g)) {
        if (!allowed.has(url)) found.push(`${file}: ${url}`)
      }
      if (file.endsWith('.css')) {
        for (const [, ref] of text.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
          assert.match(ref, /^(\/|data:|#|[^:]+$)/, `${file}: url(${ref}) is same-origin`)
        }
        assert.doesNotMatch(text, /@import\s/, `${file}: no @import`)
        assert.doesNotMatch(text, /@font-face/, `${file}: system fonts only`)
      }
    }
    assert.deepEqual(found, [])
  })
})

describe('web client not built', () => {
  let server: TestServer
  let empty: string

  before(async () => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'web-dist-'))
    server = await startServer({ webClientDir: empty })
  })
  after(async () => {
    await server?.stop()
    fs.rmSync(empty, { recursive: true, force: true })
  })

  it('the server still starts and the API works; / is a JSON 404', async () => {
    const health = await http(server.url, 'GET', '/health')
    assert.equal(health.status, 200)
    const page = await http(server.url, 'GET', '/')
    assert.equal(page.status, 404)
    assert.equal(page.body.name, 'NotFound')
    const api = await http(server.url, 'POST', '/api/auth/login', {
      body: { email: 'nobody@example.com', password: 'wrong password here' }
    })
    assert.equal(api.status, 401)
  })
})

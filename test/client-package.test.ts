// The typed client package (SPEC §16): `npm run bundle:client` packs only the client; installed into an empty
// folder it brings no server package, its types are real (strict type-check, `@ts-expect-error` on wrong
// calls), and the README's example program, compiled and run with plain `node` from that folder, chats with a
// live server over Socket.IO: register, authenticate through `api/authentication`, a private chat, a message
// received live, and a catch-up with `after_seq` after a disconnect.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { startServer, type TestServer } from './helpers'

const run = promisify(execFile)
const root = path.join(__dirname, '..')
const tsc = path.join(root, 'node_modules', '.bin', 'tsc')

/** Packages of a server: none may be installed with the client. */
const serverPackages = [
  'knex',
  'pg',
  'koa',
  '@feathersjs/koa',
  '@feathersjs/knex',
  '@feathersjs/socketio',
  '@feathersjs/configuration',
  'socket.io',
  'engine.io',
  'ioredis',
  '@socket.io/redis-adapter',
  '@electric-sql/pglite',
  'knex-pglite',
  'pino',
  'bcryptjs',
  'busboy',
  'tsx',
  'feathers-chat-backend'
]

/** Every installed package (`name@version`), nested `node_modules` included. */
const installedPackages = (modules: string): string[] => {
  if (!existsSync(modules)) return []
  const found: string[] = []
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue
    const dirs = entry.startsWith('@')
      ? readdirSync(path.join(modules, entry)).map((name) => path.join(modules, entry, name))
      : [path.join(modules, entry)]
    for (const dir of dirs) {
      const manifest = path.join(dir, 'package.json')
      if (!existsSync(manifest)) continue
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'))
      found.push(`${name}@${version}`)
      found.push(...installedPackages(path.join(dir, 'node_modules')))
    }
  }
  return found
}

/** The README's example program (between the `client-example` markers). */
const readmeExample = () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const block = /<!-- client-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- client-example:end -->/.exec(
    readme
  )
  assert.ok(block, 'README.md has the client example between its markers')
  return block[1]
}

// Wrong calls the types must refuse: each line below is an error, or tsc fails on the unused directive.
const typeChecks = `import { createClient, type Message, type MessagePage } from '@feathers-chat/client'
import rest from '@feathersjs/rest-client'

const client = createClient(rest('http://127.0.0.1:1').fetch(fetch))
const chatMessages = client.service('api/chats/:chat_id/messages')

export const wrongCalls = async (message: Message) => {
  // @ts-expect-error content is a string
  await chatMessages.create({ content: 42 }, { route: { chat_id: 'c' } })
  // @ts-expect-error the route (chat_id) is required
  await chatMessages.create({ content: 'hi' })
  // @ts-expect-error not a field of a message
  void message.contnt
  // @ts-expect-error seq is a number
  const seq: string = message.seq
  // @ts-expect-error no such service
  client.service('api/no-such-service')
  // @ts-expect-error after_seq is a number
  await chatMessages.find({ route: { chat_id: 'c' }, query: { after_seq: 'one' } })
  const page: MessagePage = await chatMessages.find({ route: { chat_id: 'c' }, query: { after_seq: 0 } })
  // @ts-expect-error has_more is a boolean
  const more: number = page.has_more
  client.service('api/messages').on('created', (created) => {
    // @ts-expect-error the event's message is typed: seq is a number
    const text: string = created.seq
    return text
  })
  return [seq, more]
}
`

describe('client package (npm run bundle:client)', function () {
  // Bundling (the .d.ts takes ~50 s on two shared cores) and an npm install from the registry.
  this.timeout(600_000)

  let server: TestServer | undefined
  let consumer = ''
  let tarball = ''

  before(async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'bundle:client'], { cwd: root })
    tarball = stdout.trim().split('\n').at(-1)!.split(':')[0]
    consumer = mkdtempSync(path.join(os.tmpdir(), 'chat-client-consumer-'))
    writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' })
    )
  })

  after(async () => {
    await server?.stop()
    if (consumer) rmSync(consumer, { recursive: true, force: true })
  })

  it('packs only the client: its own package.json, the bundles and one .d.ts', async () => {
    assert.match(tarball, /feathers-chat-client-\d+\.\d+\.\d+\.tgz$/)
    const { stdout } = await run('tar', ['-tzf', tarball])
    assert.deepEqual(stdout.trim().split('\n').sort(), [
      'package/README.md',
      'package/dist/index.d.mts',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/dist/index.mjs',
      'package/package.json'
    ])
    const pkg = JSON.parse(readFileSync(path.join(root, 'lib', 'client-package', 'package.json'), 'utf8'))
    const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
    assert.equal(pkg.name, '@feathers-chat/client')
    assert.equal(pkg.version, rootPkg.version)
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), [
      '@feathersjs/authentication-client',
      '@feathersjs/errors',
      '@feathersjs/feathers',
      '@feathersjs/rest-client',
      '@feathersjs/socketio-client',
      'socket.io-client'
    ])
    // The types import nothing but Feathers' client packages: no server module, no schema library.
    const dts = readFileSync(path.join(root, 'lib', 'client-package', 'dist', 'index.d.ts'), 'utf8')
    const imports = [...dts.matchAll(/from '([^']+)'/g)].map((m) => m[1])
    assert.deepEqual([...new Set(imports)].sort(), [
      '@feathersjs/authentication-client',
      '@feathersjs/feathers'
    ])
    assert.doesNotMatch(dts, /declare module/, "no augmentation (the server's Params) leaks into the types")
    for (const serverType of ['HookContext', 'KnexService', 'Knex', 'Koa', 'UserService', 'typebox'])
      assert.doesNotMatch(dts, new RegExp(`\\b${serverType}\\b`), serverType)
  })

  it('installs into an empty folder without any server package', async () => {
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: consumer })
    const installed = installedPackages(path.join(consumer, 'node_modules'))
    const names = new Set(installed.map((p) => p.slice(0, p.lastIndexOf('@'))))
    assert.ok(names.has('@feathers-chat/client'))
    for (const name of serverPackages) assert.ok(!names.has(name), `${name} is installed with the client`)
    // 89 packages at the time of writing (the server's tarball pulled ~223), most of them through
    // @feathersjs/authentication-client → @feathersjs/authentication.
    console.log(`      (${installed.length} packages installed with the client)`)
    assert.ok(installed.length < 120, `${installed.length} packages`)
  })

  it('type-checks the README example and refuses wrong calls (strict)', async () => {
    writeFileSync(path.join(consumer, 'example.ts'), readmeExample())
    writeFileSync(path.join(consumer, 'wrong-calls.ts'), typeChecks)
    writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          // What a front end (Vite) uses. Feathers' CommonJS packages type their default export as
          // `exports.default`, so under `nodenext` an ES module's `import socketio from ...` is not callable
          // for tsc (it is at run time).
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [path.join(root, 'node_modules', '@types')],
          outDir: 'out'
        },
        files: ['example.ts', 'wrong-calls.ts']
      })
    )
    try {
      await run(tsc, ['-p', 'tsconfig.json'], { cwd: consumer })
    } catch (error: any) {
      assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`)
    }
    assert.ok(existsSync(path.join(consumer, 'out', 'example.js')))
  })

  it('runs the README example with plain node against a live server: live event, then after_seq catch-up', async () => {
    server = await startServer()
    const { stdout } = await run(process.execPath, ['out/example.js'], {
      cwd: consumer,
      env: { PATH: process.env.PATH, CHAT_URL: server.url },
      timeout: 60_000
    })
    const lines = stdout.trim().split('\n')
    assert.deepEqual(lines, [
      'live: Ada: Hello, Grace',
      'caught up: 1 Hello, Grace | 2 Are you there? | 3 Call me back'
    ])
  })

  it('loads with require() too (CommonJS build)', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-e', "const c = require('@feathers-chat/client'); console.log(typeof c.createClient)"],
      { cwd: consumer }
    )
    assert.equal(stdout.trim(), 'function')
  })
})

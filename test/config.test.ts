import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { assertValidConfiguration, normalizeSettings } from '../src/configuration'
import { createApp } from '../src/app'

const root = path.join(__dirname, '..')

/** Starts `src/index.ts` with the given environment and returns how it ended (it must not stay up). */
const boot = (env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'development', PGLITE_DIR: '', DATABASE_URL: '', ...env }
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })

describe('configuration', () => {
  it('reads SERVER_ADDR as ":port" or "host:port"', () => {
    assert.deepEqual((({ host, port }) => ({ host, port }))(normalizeSettings({ serverAddr: ':8080' })), {
      host: '0.0.0.0',
      port: 8080
    })
    assert.deepEqual(
      (({ host, port }) => ({ host, port }))(normalizeSettings({ serverAddr: '127.0.0.1:9000' })),
      { host: '127.0.0.1', port: 9000 }
    )
  })

  it('splits CORS_ALLOWED_ORIGINS on commas', () => {
    assert.deepEqual(normalizeSettings({ origins: 'http://a.test, http://b.test' }).origins, [
      'http://a.test',
      'http://b.test'
    ])
  })

  it('names the environment variable behind a bad value', () => {
    const app = createApp({ settings: { serverAddr: '127.0.0.1:0' } })
    const settings = { ...app.settings, uploads: { dir: './uploads', maxFileSize: Number('ten megabytes') } }
    assert.throws(() => assertValidConfiguration(settings), /MAX_FILE_SIZE \(uploads\.maxFileSize\)/)
    const badLevel = { ...app.settings, logging: { level: 'loud', format: 'json' } }
    assert.throws(() => assertValidConfiguration(badLevel), /LOG_LEVEL/)
  })

  it('the server refuses to boot on a bad variable, naming it', async () => {
    const { code, output } = await boot({ MAX_FILE_SIZE: 'lots', SERVER_ADDR: '127.0.0.1:0' })
    assert.equal(code, 1)
    assert.match(output, /MAX_FILE_SIZE/)
  })

  it('production refuses the example JWT secret', async () => {
    const { code, output } = await boot({
      SERVER_ENV: 'production',
      JWT_SECRET: 'your_super_secret_key_change_in_production',
      SERVER_ADDR: '127.0.0.1:0'
    })
    assert.equal(code, 1)
    assert.match(output, /JWT_SECRET/)
  })

  it('production refuses to start with no JWT secret (it never generates one there)', async () => {
    const { code, output } = await boot({
      SERVER_ENV: 'production',
      JWT_SECRET: '',
      SERVER_ADDR: '127.0.0.1:0'
    })
    assert.equal(code, 1)
    assert.match(output, /JWT_SECRET is not set/)
  })
})

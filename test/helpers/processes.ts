// Servers started as their own processes (so a test can SIGTERM or SIGKILL them). Every child is tracked
// until it exits: a failed test, a failed start or a mocha timeout must not leave one running (a live child
// keeps mocha from exiting), so `killSpawnedServers()` goes in an after/afterEach hook and the process'
// exit kills whatever is left.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { testDatabase } from '../setup'
import { eventually } from './wait'

export interface SpawnedServer {
  url: string
  port: number
  process: ChildProcess
  output: () => string
  /** Sends a signal and waits for the process to exit. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** Children that have not exited yet, with a promise of their exit. */
const running = new Map<ChildProcess, Promise<number | null>>()

// `exit` listeners run synchronously: a SIGKILL is all there is time for, and all it takes.
process.on('exit', () => {
  for (const child of running.keys()) child.kill('SIGKILL')
})

/** SIGKILLs every spawned server still running and waits until each has exited. */
export const killSpawnedServers = async () => {
  const exits = [...running].map(([child, exited]) => {
    child.kill('SIGKILL')
    return exited
  })
  await Promise.all(exits)
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/**
 * Starts `src/index.ts` as its own process (so a test can SIGKILL it), on the test database; on a free port,
 * or on `options.port` (a restart of a stopped instance at the same address).
 */
export const spawnServer = async (
  env: Record<string, string> = {},
  options: { port?: number } = {}
): Promise<SpawnedServer> => {
  const port = options.port ?? (await freePort())
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: path.join(__dirname, '..', '..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      SERVER_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: testDatabase.url ?? '',
      DB_MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      ...env
    }
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child)
      resolve(code)
    })
  )
  running.set(child, exited)
  const url = `http://127.0.0.1:${port}`
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`server exited: ${output}`)
      const res = await fetch(`${url}/health`)
      assert.equal(res.status, 200)
    }, 30000)
  } catch (error) {
    // Never healthy: the caller gets no handle to stop it, so it goes here.
    child.kill('SIGKILL')
    await exited
    throw error
  }
  return {
    url,
    port,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal)
      return exited
    }
  }
}

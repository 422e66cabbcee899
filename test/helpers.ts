import assert from 'node:assert/strict'
// Test helpers: a real server on 127.0.0.1 and a random port, real HTTP (fetch) and real Socket.IO clients.
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { once } from 'node:events'
import type { Server } from 'node:http'
import { io, type Socket } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createApp, type CreateAppOptions } from '../src/app'
import { createClient } from '../src/client'
import type { Application } from '../src/declarations'
import { testDatabase, testRedis } from './setup'

export interface TestServer {
  app: Application
  server: Server
  url: string
  stop: () => Promise<void>
}

export const startServer = async (options: CreateAppOptions = {}): Promise<TestServer> => {
  const settings = { ...options.settings }
  const database = {
    migrateOnStart: false,
    ...(testDatabase.url ? { url: testDatabase.url } : {}),
    ...settings.database
  }
  // Every server gets Redis when it is reachable, under its own key prefix unless the test shares one on
  // purpose (several instances of one deployment).
  const redis = testRedis.url
    ? { url: testRedis.url, keyPrefix: `test:${randomUUID()}:`, ...settings.redis }
    : settings.redis
  const app = createApp({
    db: testDatabase.url ? undefined : testDatabase.pglite,
    ...options,
    settings: { serverAddr: '127.0.0.1:0', ...settings, database, ...(redis ? { redis } : {}) }
  })
  const server = await app.listen(0, '127.0.0.1' as any)
  if (!server.listening) await once(server, 'listening') // setup can finish before the socket is bound
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  let stopped = false
  return {
    app,
    server,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (stopped) return
      stopped = true
      await app.teardown()
    }
  }
}

/** Every response body a test received, so a test can assert no secret ever left the server. */
export const seenBodies: string[] = []

export interface HttpResult<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

export const http = async <T = any>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}
): Promise<HttpResult<T>> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.raw !== undefined) body = options.raw
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== undefined) headers['content-type'] ??= 'application/json'
  const response = await fetch(`${url}${path}`, { method, headers, body })
  const text = await response.text()
  seenBodies.push(text)
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, text }
}

let counter = 0
export const uniqueEmail = (prefix = 'user') =>
  `${prefix}.${process.pid}.${Date.now().toString(36)}.${++counter}@example.com`

export interface TestUser {
  user_id: string
  name: string
  email: string
  password: string
  access_token: string
  refresh_token: string
}

/** Registers and logs in a new user over REST. */
export const createUser = async (url: string, name = 'Test User'): Promise<TestUser> => {
  const email = uniqueEmail(name.toLowerCase().replace(/\W+/g, ''))
  const password = 'correct horse battery'
  const registered = await http(url, 'POST', '/api/auth/register', { body: { name, email, password } })
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`)
  const login = await http(url, 'POST', '/api/auth/login', { body: { email, password } })
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`)
  return {
    user_id: registered.body.user_id,
    name,
    email,
    password,
    access_token: login.body.access_token,
    refresh_token: login.body.refresh_token
  }
}

/** A group created over REST by `owner` with `members` in it; answers the created group (with `chat_id`). */
export const createGroup = async (url: string, owner: TestUser, name: string, members: TestUser[] = []) => {
  const group = await http(url, 'POST', '/api/groups', {
    token: owner.access_token,
    body: { name, member_ids: members.map((m) => m.user_id) }
  })
  if (group.status !== 201) throw new Error(`group creation failed: ${group.status} ${group.text}`)
  return group.body as { group_id: string; chat_id: string }
}

export interface SocketClient {
  client: ReturnType<typeof createClient>
  socket: Socket
  close: () => void
}

/** The typed Feathers client over a real Socket.IO connection (websocket transport). */
export const socketClient = (url: string): SocketClient => {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const client = createClient(socketioClient(socket))
  return { client, socket, close: () => socket.close() }
}

/** Collects the events a client receives on a service path, to assert what arrived and what did not. */
export const recordEvents = (client: ReturnType<typeof createClient>, path: string, events: string[]) => {
  const received: Array<{ event: string; data: any }> = []
  for (const event of events) {
    ;(client.service(path as any) as any).on(event, (data: any) => {
      seenBodies.push(JSON.stringify(data))
      received.push({ event, data })
    })
  }
  return received
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` passes (or throws its last error after `timeoutMs`): no fixed sleeps for arrivals. */
export const eventually = async (check: () => void | Promise<void>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(20)
    }
  }
}

/** Fails if any response or event this process received carried a password hash. */
export const assertNoSecretsSeen = () => {
  for (const body of seenBodies) {
    assert.doesNotMatch(
      body,
      /"password_hash"\s*:|\$2[aby]\$\d{2}\$/,
      `a password hash left the server: ${body}`
    )
  }
}

export interface SpawnedServer {
  url: string
  port: number
  process: import('node:child_process').ChildProcess
  output: () => string
  /** Sends a signal and waits for the process to exit. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** Starts `src/index.ts` as its own process (so a test can SIGKILL it), on the test database. */
export const spawnServer = async (env: Record<string, string> = {}): Promise<SpawnedServer> => {
  const { spawn } = await import('node:child_process')
  const net = await import('node:net')
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: path.join(__dirname, '..'),
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`)
    const res = await fetch(`${url}/health`)
    assert.equal(res.status, 200)
  }, 30000)
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

/** A TCP relay standing in for a load balancer: `target` decides where each new connection goes. */
export const startRelay = async (target: () => number) => {
  const net = await import('node:net')
  const sockets = new Set<import('node:net').Socket>()
  let down = false
  const server = net.createServer((client) => {
    if (down) return client.destroy()
    const upstream = net.connect(target(), '127.0.0.1')
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    /** Cuts every open connection (as when the backend dies or the network drops). */
    cut: () => sockets.forEach((s) => s.destroy()),
    /** Cuts every connection and refuses new ones until `resume()`: the backend is down. */
    pause: () => {
      down = true
      sockets.forEach((s) => s.destroy())
    },
    resume: () => {
      down = false
    },
    /** Keeps open connections but refuses new ones until `resume()` (a client that drops cannot come back). */
    refuseNew: () => {
      down = true
    },
    /** Keeps every connection open but forwards nothing until `unstall()`: the backend hangs. */
    stall: () => sockets.forEach((s) => s.pause()),
    unstall: () => sockets.forEach((s) => s.resume()),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy())
        server.close(() => resolve())
      })
  }
}

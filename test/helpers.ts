import assert from 'node:assert/strict'
// Test helpers: a real server on 127.0.0.1 and a random port, real HTTP (fetch) and real Socket.IO clients.
import type { Server } from 'node:http'
import { io, type Socket } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createApp, type CreateAppOptions } from '../src/app'
import { createClient } from '../src/client'
import type { Application } from '../src/declarations'
import { testDatabase } from './setup'

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
  const app = createApp({
    db: testDatabase.url ? undefined : testDatabase.pglite,
    ...options,
    settings: { serverAddr: '127.0.0.1:0', ...settings, database }
  })
  const server = await app.listen(0, '127.0.0.1' as any)
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
  if (login.status !== 201 && login.status !== 200)
    throw new Error(`login failed: ${login.status} ${login.text}`)
  return {
    user_id: registered.body.user_id,
    name,
    email,
    password,
    access_token: login.body.access_token,
    refresh_token: login.body.refresh_token
  }
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

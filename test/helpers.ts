// Test helpers: a real server on 127.0.0.1 and a random port, real HTTP (fetch) and real Socket.IO clients.
// The pieces live in test/helpers/ (http, waiting, sockets, chat fixtures, spawned processes, a TCP relay);
// this module re-exports them, so every test imports from './helpers'.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import { createApp, type CreateAppOptions } from '../src/app'
import type { Application } from '../src/declarations'
import { http } from './helpers/http'
import { testDatabase, testRedis, testKeyPrefix } from './setup'

export * from './helpers/http'
export * from './helpers/wait'
export * from './helpers/sockets'
export * from './helpers/chats'
export * from './helpers/processes'
export * from './helpers/relay'

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
    ? { url: testRedis.url, keyPrefix: testKeyPrefix(), ...settings.redis }
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

/**
 * A service's remove(null) and patch(null) (Feathers' "every record", reachable inside the server) are
 * refused with a 400 naming the records (src/services/edit-in-place.ts).
 */
export const assertRefusesEveryRecord = async (
  service: { remove(id: null): Promise<unknown>; patch(id: null, data: any): Promise<unknown> },
  records: string,
  patch: unknown
) => {
  await assert.rejects(service.remove(null), {
    code: 400,
    message: `Deleting several ${records} at once is not supported`
  })
  await assert.rejects(service.patch(null, patch), {
    code: 400,
    message: `Changing several ${records} at once is not supported`
  })
}

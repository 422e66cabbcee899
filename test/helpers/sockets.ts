// Real Socket.IO clients for tests: the typed Feathers client, and raw sockets for what any client can send.
import assert from 'node:assert/strict'
import { io, type Socket } from 'socket.io-client'
import socketioClient from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import { seenBodies } from './http'
import type { TestUser } from '../helpers'

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

/**
 * The typed client over a socket authenticated as `user` (JWT). Pass the test's list of open sockets as
 * `opened` to have it added there, so the test's `after` closes it.
 */
export const liveSocket = async (
  url: string,
  user: Pick<TestUser, 'access_token'>,
  opened?: SocketClient[]
): Promise<SocketClient> => {
  const s = socketClient(url)
  opened?.push(s)
  await s.client.authenticate({ strategy: 'jwt', accessToken: user.access_token })
  return s
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

/** What a Feathers server answered to a raw socket call: its error, or its result. */
export interface SocketAnswer {
  error?: any
  result?: any
}

/**
 * A raw Socket.IO call (`socket.emit(method, ...args, ack)`, what any client can send, not only the Feathers
 * client) with a bounded wait: no answer within `timeoutMs` rejects with `timeoutMessage`, so a hang fails.
 */
export const socketCall = (
  socket: Socket,
  method: string,
  args: unknown[],
  options: { timeoutMs?: number; timeoutMessage?: string } = {}
) =>
  new Promise<SocketAnswer>((resolve, reject) => {
    const { timeoutMs = 5000 } = options
    socket.timeout(timeoutMs).emit(method, ...args, (timeout: Error | null, error: any, result: any) => {
      if (timeout)
        reject(
          new Error(options.timeoutMessage ?? `no answer to ${method} ${JSON.stringify(args).slice(0, 200)}`)
        )
      else resolve(error ? { error } : { result })
    })
  })

/** A raw socket (websocket transport, no reconnection), authenticated with `accessToken` when given. */
export const rawSocket = async (url: string, accessToken?: string) => {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  if (accessToken) {
    const auth = await socketCall(socket, 'create', ['api/authentication', { strategy: 'jwt', accessToken }])
    assert.equal(auth.error, undefined, `socket authentication: ${JSON.stringify(auth.error)}`)
  }
  return socket
}

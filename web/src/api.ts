// The connection to the server: REST calls for the account (register, login, refresh, uploads) and one
// Socket.IO connection, through the typed Feathers client, for everything else. Tokens are kept in
// localStorage; the access token is refreshed before it expires and whenever the server refuses it.
import { io, type Socket } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../../src/client'
import type { ClientApplication, FileRecord, TokenPair, User } from '../../src/client'

export type { ClientApplication }

export interface Session {
  access_token: string
  refresh_token: string
  user: User
}

const SESSION_KEY = 'chat.session'

export const loadSession = (): Session | null => {
  try {
    const session = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null')
    return session?.access_token && session?.refresh_token && session?.user ? session : null
  } catch {
    return null
  }
}

export const saveSession = (session: Session | null) => {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session))
  else localStorage.removeItem(SESSION_KEY)
}

/** An error the server answered (Feathers shape), with its message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly name = 'ApiError'
  ) {
    super(message)
  }
}

const errorMessage = (body: any, status: number) => {
  const message = typeof body?.message === 'string' ? body.message : `Request failed (${status})`
  return message.replace(/^Invalid data: /, '')
}

/** A JSON REST call to this origin. */
export const rest = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  let json: any
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!response.ok) throw new ApiError(errorMessage(json, response.status), response.status, json?.name)
  return json as T
}

export const register = (data: { name: string; email: string; password: string }) =>
  rest<User>('POST', '/api/auth/register', data)

export const login = (data: { email: string; password: string }) =>
  rest<TokenPair & { user: User }>('POST', '/api/auth/login', data)

export const refresh = (refreshToken: string) =>
  rest<TokenPair & { user?: User }>('POST', '/api/auth/refresh', { refresh_token: refreshToken })

export const logout = (session: Session) =>
  rest('POST', '/api/auth/logout', { refresh_token: session.refresh_token }, session.access_token)

/** Uploads one file for a message (multipart: `purpose` first, then the file). */
export const upload = async (file: File, token: string): Promise<FileRecord> => {
  const form = new FormData()
  form.append('purpose', 'message')
  form.append('file', file, file.name)
  const response = await fetch('/api/uploads', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    body: form
  })
  const json: any = await response.json().catch(() => undefined)
  if (!response.ok) throw new ApiError(errorMessage(json, response.status), response.status, json?.name)
  return json as FileRecord
}

/** Seconds until the JWT expires (0 when it has or cannot be read). */
export const secondsLeft = (token: string) => {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))
    return Math.max(0, payload.exp - Date.now() / 1000)
  } catch {
    return 0
  }
}

export interface Connection {
  client: ClientApplication
  socket: Socket
}

/** A Feathers client over a Socket.IO connection to this origin (not yet authenticated). */
export const connect = (): Connection => {
  const socket = io({ transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 })
  // The authentication client keeps the token in memory only: the session above is the one stored copy.
  const memory = new Map<string, string>()
  const storage = {
    getItem: (key: string) => memory.get(key),
    setItem: (key: string, value: string) => void memory.set(key, value),
    removeItem: (key: string) => void memory.delete(key)
  }
  const client = createClient(socketio(socket) as any, { storage: storage as any })
  return { client, socket }
}

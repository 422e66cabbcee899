// Chat fixtures over REST: open a private chat, send a message. The `post*` forms answer the raw response
// (for tests of the route itself, which assert its status and body); the others are setup steps that fail
// the test at once when the server refuses, and answer the created (or found) resource.
import assert from 'node:assert/strict'
import type { TestUser } from '../helpers'
import { http, type HttpResult } from './http'

/** Who calls: a test user, or anything holding an access token. */
type Caller = Pick<TestUser, 'access_token'>
/** The other side of a private chat: a user, or a bare user id (unknown and hostile ids included). */
type Peer = Pick<TestUser, 'user_id'> | string

export const PRIVATE_CHATS = '/api/chats/private'
export const messagesPath = (chatId: string) => `/api/chats/${chatId}/messages`

/** `POST /api/chats/private` as `from` with `to`: the raw answer. */
export const postPrivateChat = (url: string, from: Caller, to: Peer): Promise<HttpResult> =>
  http(url, 'POST', PRIVATE_CHATS, {
    token: from.access_token,
    body: { user_id: typeof to === 'string' ? to : to.user_id }
  })

/**
 * Opens the private chat of `from` and `to` (201 the first time, 200 when it exists), failing unless the
 * answer's status is one of `status`; answers the chat.
 */
export const openPrivateChat = async (
  url: string,
  from: Caller,
  to: Peer,
  { status = [201, 200] }: { status?: number[] } = {}
) => {
  const res = await postPrivateChat(url, from, to)
  assert.ok(status.includes(res.status), `POST ${PRIVATE_CHATS} → ${res.status} ${res.text}`)
  return res.body as { chat_id: string; [field: string]: any }
}

/** `POST /api/chats/:chat_id/messages` as `from` with any body: the raw answer. */
export const postMessage = (url: string, from: Caller, chatId: string, body: unknown): Promise<HttpResult> =>
  http(url, 'POST', messagesPath(chatId), { token: from.access_token, body })

/** Sends a message with any body, failing unless the server answers 201; answers the message. */
export const sendMessage = async (
  url: string,
  from: Caller,
  chatId: string,
  body: Record<string, unknown>
) => {
  const res = await postMessage(url, from, chatId, body)
  assert.equal(res.status, 201, `POST ${messagesPath(chatId)} → ${res.status} ${res.text}`)
  return res.body as { message_id: string; seq: number; [field: string]: any }
}

/** Sends a text message (plus any `fields`, e.g. `client_id`), like sendMessage. */
export const sendText = (
  url: string,
  from: Caller,
  chatId: string,
  content: string,
  fields: Record<string, unknown> = {}
) => sendMessage(url, from, chatId, { content, ...fields })

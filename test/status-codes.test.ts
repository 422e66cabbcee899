import assert from 'node:assert/strict'
import {
  createGroup,
  createUser,
  http,
  postMessage,
  postPrivateChat,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

// SPEC §3: 201 when the call creates a resource, 200 for every other success.
describe('status codes: 201 only when something is created', () => {
  let server: TestServer
  let ann: TestUser
  let bob: TestUser
  let cat: TestUser
  const call = (user: TestUser | undefined, method: string, path: string, body?: unknown) =>
    http(server.url, method, path, { token: user?.access_token, body })

  before(async () => {
    server = await startServer()
    ann = await createUser(server.url, 'Status Ann')
    bob = await createUser(server.url, 'Status Bob')
    cat = await createUser(server.url, 'Status Cat')
  })
  after(() => server.stop())

  it('login, refresh and logout answer 200', async () => {
    const login = await call(undefined, 'POST', '/api/auth/login', {
      email: ann.email,
      password: ann.password
    })
    assert.equal(login.status, 200, login.text)
    const refresh = await call(undefined, 'POST', '/api/auth/refresh', {
      refresh_token: login.body.refresh_token
    })
    assert.equal(refresh.status, 200, refresh.text)
    const logout = await http(server.url, 'POST', '/api/auth/logout', {
      token: refresh.body.access_token,
      body: {}
    })
    assert.equal(logout.status, 200, logout.text)
  })

  it('POST /api/authentication answers 200 for both strategies', async () => {
    const local = await call(undefined, 'POST', '/api/authentication', {
      strategy: 'local',
      email: ann.email,
      password: ann.password
    })
    assert.equal(local.status, 200, local.text)
    const jwt = await call(undefined, 'POST', '/api/authentication', {
      strategy: 'jwt',
      accessToken: local.body.accessToken
    })
    assert.equal(jwt.status, 200, jwt.text)
  })

  it('register, a first private chat, a message, a group and a new member answer 201', async () => {
    const chat = await postPrivateChat(server.url, ann, bob)
    assert.equal(chat.status, 201, chat.text)
    const message = await postMessage(server.url, ann, chat.body.chat_id, { content: 'hi' })
    assert.equal(message.status, 201, message.text)
    const group = await call(ann, 'POST', '/api/groups', { name: 'Status group' })
    assert.equal(group.status, 201, group.text)
    const member = await call(ann, 'POST', `/api/groups/${group.body.group_id}/members`, {
      user_id: bob.user_id
    })
    assert.equal(member.status, 201, member.text)
  })

  it('typing, mark-read, an existing private chat, a repeated send, an edit and leave answer 200', async () => {
    const chat = (await postPrivateChat(server.url, ann, cat)).body
    const again = await postPrivateChat(server.url, cat, ann)
    assert.equal(again.status, 200, again.text)
    const typing = await call(ann, 'POST', `/api/chats/${chat.chat_id}/typing`, { typing: true })
    assert.equal(typing.status, 200, typing.text)
    const sent = await postMessage(server.url, ann, chat.chat_id, {
      content: 'x',
      client_id: 'c-1'
    })
    const resent = await postMessage(server.url, ann, chat.chat_id, {
      content: 'x',
      client_id: 'c-1'
    })
    assert.equal(resent.status, 200, resent.text)
    const read = await call(cat, 'PUT', `/api/chats/${chat.chat_id}/mark-read`, {})
    assert.equal(read.status, 200, read.text)
    const edit = await call(ann, 'PUT', `/api/messages/${sent.body.message_id}`, { content: 'y' })
    assert.equal(edit.status, 200, edit.text)

    const group = await createGroup(server.url, ann, 'Leavers', [cat])
    const existing = await call(ann, 'POST', `/api/groups/${group.group_id}/members`, {
      user_id: cat.user_id
    })
    assert.equal(existing.status, 200, `adding a member already there creates nothing: ${existing.text}`)
    const leave = await call(cat, 'POST', `/api/groups/${group.group_id}/leave`, {})
    assert.equal(leave.status, 200, leave.text)
  })
})

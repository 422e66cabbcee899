import assert from 'node:assert/strict'
import {
  createUser,
  http,
  openPrivateChat,
  sendText,
  socketClient,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

// Edit history (SPEC §13) and what a delete removes: edits, reactions and pins of a deleted message.
describe('edit history and delete cleanup', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  let outsider: TestUser
  let chatId: string

  before(async () => {
    server = await startServer()
    url = server.url
    ann = await createUser(url, 'Edit Ann')
    bob = await createUser(url, 'Edit Bob')
    outsider = await createUser(url, 'Edit Out')
    chatId = (await openPrivateChat(url, ann, bob)).chat_id
  })
  after(() => server.stop())

  const send = (content: string) => sendText(url, ann, chatId, content)
  const edits = (user: TestUser, id: string) =>
    http(url, 'GET', `/api/messages/${id}/edits`, { token: user.access_token })

  it('every edit (PATCH and PUT) keeps the previous content, oldest first; members only', async () => {
    const m = await send('v1')
    assert.deepEqual((await edits(bob, m.message_id)).body, [])
    const patched = await http(url, 'PATCH', `/api/messages/${m.message_id}`, {
      token: ann.access_token,
      body: { content: 'v2' }
    })
    assert.equal(patched.status, 200)
    const put = await http(url, 'PUT', `/api/messages/${m.message_id}`, {
      token: ann.access_token,
      body: { content: 'v3' }
    })
    assert.equal(put.status, 200)
    const history = await edits(bob, m.message_id)
    assert.equal(history.status, 200)
    assert.deepEqual(
      history.body.map((e: any) => e.content),
      ['v1', 'v2']
    )
    assert.equal(history.body[1].edited_at, put.body.edited_at)
    assert.equal((await edits(outsider, m.message_id)).status, 404)
    const s = socketClient(url)
    try {
      await s.client.authenticate({ strategy: 'jwt', accessToken: outsider.access_token })
      await assert.rejects(
        s.client.service('api/messages/:message_id/edits').find({ route: { message_id: m.message_id } }),
        (e: any) => e.code === 404
      )
    } finally {
      s.close()
    }
    const refused = await http(url, 'PATCH', `/api/messages/${m.message_id}`, {
      token: bob.access_token,
      body: { content: 'x' }
    })
    assert.equal(refused.status, 403)
    assert.equal((await edits(ann, m.message_id)).body.length, 2, 'a refused edit keeps nothing')
  })

  it('deleting a message removes its edits, reactions and pin', async () => {
    const m = await send('secret v1')
    await http(url, 'PATCH', `/api/messages/${m.message_id}`, {
      token: ann.access_token,
      body: { content: 'secret v2' }
    })
    await http(url, 'POST', `/api/messages/${m.message_id}/reactions`, {
      token: bob.access_token,
      body: { emoji: '👍' }
    })
    assert.equal(
      (
        await http(url, 'POST', `/api/chats/${chatId}/pins`, {
          token: bob.access_token,
          body: { message_id: m.message_id }
        })
      ).status,
      201
    )
    const removed = await http(url, 'DELETE', `/api/messages/${m.message_id}`, { token: ann.access_token })
    assert.equal(removed.status, 200)
    assert.deepEqual(removed.body.reactions, [])
    assert.equal(removed.body.pinned_at, null)
    assert.deepEqual((await edits(bob, m.message_id)).body, [])
    assert.deepEqual(
      (await http(url, 'GET', `/api/messages/${m.message_id}/reactions`, { token: bob.access_token })).body,
      []
    )
    const pins = await http(url, 'GET', `/api/chats/${chatId}/pins`, { token: bob.access_token })
    assert.ok(!pins.body.data.some((p: any) => p.message_id === m.message_id))
    const history = await http(url, 'GET', `/api/chats/${chatId}/messages`, { token: bob.access_token })
    const tomb = history.body.data.find((x: any) => x.message_id === m.message_id)
    assert.deepEqual([tomb.content, tomb.reactions, tomb.pinned_at], ['', [], null])
    const again = await http(url, 'POST', `/api/messages/${m.message_id}/reactions`, {
      token: bob.access_token,
      body: { emoji: '👍' }
    })
    assert.equal(again.status, 400)
    assert.equal(
      (await http(url, 'GET', `/api/messages/${m.message_id}`, { token: bob.access_token })).body.content,
      ''
    )
    assert.doesNotMatch(JSON.stringify([history.body, pins.body]), /secret/)
  })
})

import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  createGroup,
  createUser,
  http,
  socketClient,
  startServer,
  uploadFile,
  type TestServer,
  type TestUser
} from './helpers'

// Search in any language (SPEC §14): word forms, prefixes, CJK inside text, filters, ranking, highlights,
// membership at query time, deleted messages, REST and socket, and the migration on existing rows.
describe('search in any language (REST and socket)', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  let outsider: TestUser
  let chat: string
  let outsiderChat: string
  const sent: Record<string, any> = {}

  const send = async (user: TestUser, chatId: string, content: string, key?: string) => {
    const res = await http(url, 'POST', `/api/chats/${chatId}/messages`, {
      token: user.access_token,
      body: { content }
    })
    assert.equal(res.status, 201, res.text)
    if (key) sent[key] = res.body
    return res.body
  }
  const inChat = (user: TestUser, chatId: string, query: string) =>
    http(url, 'GET', `/api/chats/${chatId}/messages/search?${query}`, { token: user.access_token })
  const everywhere = (user: TestUser, query: string) =>
    http(url, 'GET', `/api/search/messages?${query}`, { token: user.access_token })
  const ids = (res: any) => res.body.data.map((m: any) => m.message_id)
  const q = (text: string) => `q=${encodeURIComponent(text)}`

  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-search-uploads-'))

  before(async () => {
    server = await startServer({ settings: { uploads: { dir: uploads } } })
    url = server.url
    ann = await createUser(url, 'Search Ann')
    bob = await createUser(url, 'Search Bob')
    outsider = await createUser(url, 'Search Outsider')
    chat = (await createGroup(url, ann, 'Search group', [bob])).chat_id
    outsiderChat = (await createGroup(url, outsider, 'Not yours', [])).chat_id
    await send(ann, chat, 'I was running late this morning', 'running')
    await send(bob, chat, 'The quick brown fox jumps', 'fox')
    await send(ann, chat, 'deployment finished without errors', 'deployment')
    await send(bob, chat, '我们明天讨论中文翻译的问题', 'chinese')
    await send(ann, chat, '東京で会議があります', 'japanese')
    await send(ann, chat, '🎉🎉 party deploy tonight 🎉', 'emoji')
    await send(bob, chat, 'run run run', 'run')
    await send(outsider, outsiderChat, 'running in the outsider chat, deployment too', 'foreign')
    const gone = await send(ann, chat, 'running deployment that gets deleted', 'deleted')
    const del = await http(url, 'DELETE', `/api/messages/${gone.message_id}`, { token: ann.access_token })
    assert.equal(del.status, 200)
  })
  after(async () => {
    await server.stop()
    fs.rmSync(uploads, { recursive: true, force: true })
  })

  it('finds English word forms, ranked exact above word forms, recent first', async () => {
    const res = await inChat(ann, chat, q('run'))
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(ids(res), [sent.run.message_id, sent.running.message_id])
    assert.deepEqual(
      res.body.data.map((m: any) => m.rank),
      [3, 2]
    )
    const foxes = await inChat(ann, chat, q('foxes'))
    assert.deepEqual(ids(foxes), [sent.fox.message_id])
    assert.deepEqual(foxes.body.data[0].highlights, [[16, 19]])
    assert.deepEqual(res.body.data[1].highlights, [[6, 13]], 'the word form "running" is highlighted')
  })

  it('finds prefixes while typing, below exact matches', async () => {
    const res = await inChat(ann, chat, q('deplo'))
    assert.deepEqual(ids(res), [sent.emoji.message_id, sent.deployment.message_id])
    assert.deepEqual(
      res.body.data.map((m: any) => m.rank),
      [1, 1]
    )
    assert.deepEqual(res.body.data[1].highlights, [[0, 10]])
    const exact = await inChat(ann, chat, q('deploy'))
    assert.deepEqual(ids(exact), [sent.emoji.message_id, sent.deployment.message_id])
    assert.deepEqual(
      exact.body.data.map((m: any) => m.rank),
      [3, 2],
      'deployment is a word form of deploy'
    )
    const short = await inChat(ann, chat, q('de'))
    assert.ok(ids(short).includes(sent.deployment.message_id), 'a 2-letter prefix works too')
    const inside = await inChat(ann, chat, q('ploym'))
    assert.deepEqual(ids(inside), [sent.deployment.message_id], 'text inside a word (pg_trgm)')
  })

  it('highlights count UTF-16 code units after emoji (astral characters count 2)', async () => {
    const res = await inChat(ann, chat, q('party'))
    const hit = res.body.data[0]
    assert.equal(hit.message_id, sent.emoji.message_id)
    const [[start, end]] = hit.highlights
    assert.equal(start, 5)
    assert.equal(hit.content.slice(start, end), 'party')
  })

  it('finds 2-character Chinese inside a sentence, 1 character, and Japanese', async () => {
    const zh = await inChat(ann, chat, q('中文'))
    assert.deepEqual(ids(zh), [sent.chinese.message_id])
    const content: string = zh.body.data[0].content
    assert.deepEqual(zh.body.data[0].highlights, [[content.indexOf('中文'), content.indexOf('中文') + 2]])
    assert.deepEqual(ids(await inChat(ann, chat, q('翻'))), [sent.chinese.message_id])
    assert.deepEqual(ids(await inChat(ann, chat, q('中文翻译'))), [sent.chinese.message_id])
    assert.deepEqual(ids(await inChat(ann, chat, q('文中'))), [], 'bigrams in the wrong order do not match')
    const ja = await inChat(ann, chat, q('会議'))
    assert.deepEqual(ids(ja), [sent.japanese.message_id])
    assert.deepEqual(ja.body.data[0].highlights, [[3, 5]])
    assert.deepEqual(ids(await inChat(ann, chat, q('東京'))), [sent.japanese.message_id])
  })

  it('filters by sender, attachment and date, and names a bad date field', async () => {
    const fromBob = await inChat(ann, chat, `${q('run')}&from=${bob.user_id}`)
    assert.deepEqual(ids(fromBob), [sent.run.message_id])
    assert.deepEqual(ids(await inChat(ann, chat, `${q('run')}&has=file`)), [])
    const future = new Date(Date.now() + 3_600_000).toISOString()
    const past = new Date(Date.now() - 3_600_000).toISOString()
    assert.equal(ids(await inChat(ann, chat, `${q('run')}&after=${future}`)).length, 0)
    assert.equal(ids(await inChat(ann, chat, `${q('run')}&after=${past}&before=${future}`)).length, 2)
    const bad = await everywhere(ann, `${q('run')}&after=yesterday`)
    assert.equal(bad.status, 400)
    assert.match(bad.body.message, /after/)
    const badBefore = await inChat(ann, chat, `${q('run')}&before=2026-13-45`)
    assert.equal(badBefore.status, 400)
    assert.match(badBefore.body.message, /before/)
  })

  it('a hit on an attachment carries its file as history does, and { deleted: true } once it is deleted', async () => {
    // A 1×1 PNG: the type is sniffed from the bytes.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64'
    )
    const file = await uploadFile(url, ann.access_token, 'message', png, 'lighthouse.png')
    assert.equal(file.status, 201, file.text)
    const posted = await http(url, 'POST', `/api/chats/${chat}/messages`, {
      token: ann.access_token,
      body: { content: 'lighthouse photo', type: 'image', file_id: file.body.file_id }
    })
    assert.equal(posted.status, 201, posted.text)
    const history = await http(url, 'GET', `/api/messages/${posted.body.message_id}`, {
      token: bob.access_token
    })
    assert.deepEqual(history.body.file, file.body)
    const hitsOf = async () =>
      [await inChat(bob, chat, q('lighthouse')), await everywhere(bob, q('lighthouse'))].map((res) => {
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(ids(res), [posted.body.message_id])
        return res.body.data[0]
      })
    for (const hit of await hitsOf())
      assert.deepEqual(hit.file, history.body.file, 'the same file as in history')
    const plain = (await inChat(bob, chat, q('running'))).body.data
    assert.ok(plain.length > 0 && plain.every((m: any) => !('file' in m)), 'text hits carry no file')

    const removed = await http(url, 'DELETE', `/api/files/${file.body.file_id}`, { token: ann.access_token })
    assert.equal(removed.status, 200, removed.text)
    for (const hit of await hitsOf()) {
      assert.equal(hit.file_id, null)
      assert.deepEqual(hit.file, { deleted: true })
    }
  })

  it('hits carry reactions with me for the caller, on both routes', async () => {
    const m = await send(ann, chat, 'marmalade recipe', 'marmalade')
    for (const [user, emoji] of [
      [ann, '👍'],
      [bob, '👍'],
      [bob, '🎉']
    ] as const) {
      const res = await http(url, 'POST', `/api/messages/${m.message_id}/reactions`, {
        token: user.access_token,
        body: { emoji }
      })
      assert.equal(res.status, 201, res.text)
    }
    const expected = {
      ann: [
        { emoji: '👍', count: 2, me: true },
        { emoji: '🎉', count: 1, me: false }
      ],
      bob: [
        { emoji: '👍', count: 2, me: true },
        { emoji: '🎉', count: 1, me: true }
      ]
    }
    for (const [user, mine] of [
      [ann, expected.ann],
      [bob, expected.bob]
    ] as const) {
      for (const res of [await inChat(user, chat, q('marmalade')), await everywhere(user, q('marmalade'))]) {
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(ids(res), [m.message_id])
        assert.deepEqual(res.body.data[0].reactions, mine, `${user.name}'s view`)
      }
    }
  })

  it('pages with limit and skip ({data, limit, skip, has_more})', async () => {
    const first = await inChat(ann, chat, `${q('run')}&limit=1`)
    assert.deepEqual(Object.keys(first.body).sort(), ['data', 'has_more', 'limit', 'skip'])
    assert.equal(first.body.has_more, true)
    assert.deepEqual(ids(first), [sent.run.message_id])
    const second = await inChat(ann, chat, `${q('run')}&limit=1&skip=1`)
    assert.deepEqual(ids(second), [sent.running.message_id])
    assert.equal(second.body.has_more, false)
    assert.equal(second.body.skip, 1)
  })

  it('never finds deleted messages; global search covers my chats only', async () => {
    const mine = await everywhere(ann, q('running'))
    assert.equal(mine.status, 200, mine.text)
    assert.deepEqual(ids(mine), [sent.running.message_id, sent.run.message_id], 'not the deleted one')
    const theirs = await everywhere(outsider, q('running'))
    assert.deepEqual(ids(theirs), [sent.foreign.message_id])
    assert.equal((await inChat(outsider, chat, q('running'))).status, 404)
    assert.equal((await everywhere({ ...ann, access_token: 'nope' } as TestUser, q('x'))).status, 401)
  })

  it('a chat I left disappears from global search at once', async () => {
    const carol = await createUser(url, 'Search Carol')
    const group = await createGroup(url, ann, 'Leaving group', [carol])
    await send(ann, group.chat_id, 'zanzibar itinerary', 'leaving')
    assert.deepEqual(ids(await everywhere(carol, q('zanzibar'))), [sent.leaving.message_id])
    const left = await http(url, 'POST', `/api/groups/${group.group_id}/leave`, {
      token: carol.access_token,
      body: {}
    })
    assert.equal(left.status, 200, left.text)
    assert.deepEqual(ids(await everywhere(carol, q('zanzibar'))), [])
  })

  it('hostile q never gives a 500', async () => {
    for (const text of [
      '%',
      '_',
      '\\',
      '%_\\%',
      'a & | ! ( ) : * \' "',
      'run:*',
      '!!!',
      '🎉',
      '🎉🎉🎉',
      'x'.repeat(200),
      '-',
      '"',
      'or',
      '- - -',
      '中',
      'ｄｅｐｌｏｙ',
      '\u200b',
      "'; DROP TABLE messages; --"
    ]) {
      for (const res of [await inChat(ann, chat, q(text)), await everywhere(ann, q(text))]) {
        assert.equal(res.status, 200, `${JSON.stringify(text)}: ${res.text}`)
        assert.ok(Array.isArray(res.body.data))
      }
    }
    assert.deepEqual(ids(await inChat(ann, chat, q('%'))), [], 'LIKE wildcards are not wildcards')
    assert.equal((await inChat(ann, chat, q('x'.repeat(201)))).status, 400)
    assert.equal((await inChat(ann, chat, 'q=%00a')).status, 400)
    // A lone surrogate cannot travel in a URL (it is not UTF-8); over a socket it can, and is refused.
  })

  it('works over Socket.IO, and an outsider gets NotFound', async () => {
    const annSocket = socketClient(url)
    const outsiderSocket = socketClient(url)
    try {
      await annSocket.client.authenticate({ strategy: 'jwt', accessToken: ann.access_token })
      await outsiderSocket.client.authenticate({ strategy: 'jwt', accessToken: outsider.access_token })
      const page = await annSocket.client.service('api/search/messages').find({ query: { q: '中文' } })
      assert.deepEqual(
        page.data.map((m) => m.message_id),
        [sent.chinese.message_id]
      )
      const inside = await annSocket.client
        .service('api/chats/:chat_id/messages/search')
        .find({ route: { chat_id: chat }, query: { q: 'foxes' } })
      assert.deepEqual(
        inside.data.map((m) => m.message_id),
        [sent.fox.message_id]
      )
      await assert.rejects(
        outsiderSocket.client
          .service('api/chats/:chat_id/messages/search')
          .find({ route: { chat_id: chat }, query: { q: 'fox' } }),
        { name: 'NotFound' }
      )
      await assert.rejects(
        annSocket.client.service('api/search/messages').find({ query: { q: 'a\ud800' } }),
        { name: 'BadRequest' }
      )
      const theirs = await outsiderSocket.client.service('api/search/messages').find({ query: { q: 'fox' } })
      assert.deepEqual(theirs.data, [])
    } finally {
      annSocket.close()
      outsiderSocket.close()
    }
  })
})

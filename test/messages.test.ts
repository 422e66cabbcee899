import assert from 'node:assert/strict'
import { ulid } from 'ulid'
import {
  assertNoSecretsSeen,
  assertRefusesEveryRecord,
  createUser,
  http,
  openPrivateChat,
  postMessage,
  startServer,
  type TestServer,
  type TestUser
} from './helpers'

// Messages end to end over REST: sending (server-owned fields, gap-free seq under concurrency, client_id
// idempotency, validation), history cursors, edits, tombstone deletes and full-text search.
describe('messages: send, order, idempotency, history, edit, delete, search (REST)', () => {
  let server: TestServer
  let url: string
  let ann: TestUser
  let bob: TestUser
  let outsider: TestUser
  /** The private chat of ann and bob. */
  let chatId: string
  /** A second chat of ann's (with the outsider), for cross-chat checks. */
  let otherChatId: string

  const history = (user: TestUser, chat: string, query = '') =>
    http(url, 'GET', `/api/chats/${chat}/messages${query}`, { token: user.access_token })
  /** Sends `count` text messages one after the other and returns them in send order. */
  const sendMany = async (user: TestUser, chat: string, count: number, prefix = 'msg') => {
    const sent: any[] = []
    for (let i = 1; i <= count; i++) {
      const res = await postMessage(url, user, chat, { content: `${prefix} ${i}` })
      assert.equal(res.status, 201, res.text)
      sent.push(res.body)
    }
    return sent
  }
  /** Every message of a chat, oldest first, read through the history API (after_seq paging). */
  const allMessages = async (user: TestUser, chat: string) => {
    const all: any[] = []
    let afterSeq = 0
    for (;;) {
      const page = await history(user, chat, `?after_seq=${afterSeq}&limit=100`)
      assert.equal(page.status, 200, page.text)
      all.push(...page.body.data)
      if (!page.body.has_more) return all
      afterSeq = page.body.data[page.body.data.length - 1].seq
    }
  }
  const seqRange = (from: number, to: number) => {
    const step = from <= to ? 1 : -1
    return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step)
  }

  before(async () => {
    server = await startServer()
    url = server.url
    ann = await createUser(url, 'Msg Ann')
    bob = await createUser(url, 'Msg Bob')
    outsider = await createUser(url, 'Msg Outsider')
    chatId = (await openPrivateChat(url, ann, bob)).chat_id
    otherChatId = (await openPrivateChat(url, ann, outsider)).chat_id
  })
  after(() => server.stop())

  describe('sending', () => {
    it('POST /api/chats/:chat_id/messages → 201 with the server-owned fields set by the server', async () => {
      const res = await postMessage(url, ann, chatId, { content: 'Hello Bob' })
      assert.equal(res.status, 201, res.text)
      const m = res.body
      assert.equal(typeof m.message_id, 'string')
      assert.ok(m.message_id.length > 0)
      assert.equal(m.chat_id, chatId)
      assert.equal(m.sender_id, ann.user_id, 'the sender is the token’s user')
      assert.equal(m.content, 'Hello Bob')
      assert.equal(m.type, 'text')
      assert.ok(Number.isInteger(m.seq) && m.seq >= 1, `seq ${m.seq}`)
      assert.ok(!Number.isNaN(Date.parse(m.created_at)), `created_at ${m.created_at}`)
      assert.equal(m.edited_at, null)
      assert.equal(m.deleted_at, null)

      const next = await postMessage(url, bob, chatId, { content: 'Hi Ann' })
      assert.equal(next.status, 201)
      assert.equal(next.body.sender_id, bob.user_id)
      assert.equal(next.body.seq, m.seq + 1, 'consecutive seqs')
    })

    it('refuses client-set sender_id, seq, status and created_at with a 400 naming the field', async () => {
      const before = await http(url, 'GET', `/api/chats/${chatId}`, { token: ann.access_token })
      const forged: Record<string, unknown> = {
        sender_id: bob.user_id,
        seq: 999,
        status: 'read',
        created_at: '2000-01-01T00:00:00.000Z'
      }
      for (const [field, value] of Object.entries(forged)) {
        const res = await postMessage(url, ann, chatId, { content: 'forged', [field]: value })
        assert.equal(res.status, 400, `${field}: ${res.text}`)
        assert.match(res.body.message, new RegExp(field), field)
      }
      const after = await http(url, 'GET', `/api/chats/${chatId}`, { token: ann.access_token })
      assert.equal(after.body.last_seq, before.body.last_seq, 'a refused send uses no seq')
      const next = await postMessage(url, ann, chatId, { content: 'after the refusals' })
      assert.equal(next.body.seq, before.body.last_seq + 1, 'no gap after refused sends')
    })

    it('only members can send or read; a token is required', async () => {
      const res = await postMessage(url, outsider, chatId, { content: 'let me in' })
      assert.equal(res.status, 404)
      assert.equal((await history(outsider, chatId)).status, 404)
      assert.equal(
        (await http(url, 'POST', `/api/chats/${chatId}/messages`, { body: { content: 'anon' } })).status,
        401
      )
      assert.equal((await postMessage(url, ann, ulid(), { content: 'nowhere' })).status, 404)
    })

    it('50 concurrent senders in one group chat get seqs exactly 1..50, no gap, no duplicate', async function () {
      this.timeout(180_000)
      const senders = [ann, ...(await Promise.all(seqRange(1, 49).map((i) => createUser(url, `Crowd ${i}`))))]
      const group = await http(url, 'POST', '/api/groups', {
        token: ann.access_token,
        body: { name: 'Crowd', member_ids: senders.slice(1).map((u) => u.user_id) }
      })
      assert.equal(group.status, 201, group.text)
      assert.equal(group.body.member_count, 50)
      const groupChat = group.body.chat_id

      const results = await Promise.all(
        senders.map((user, i) => postMessage(url, user, groupChat, { content: `concurrent ${i}` }))
      )
      for (const res of results) assert.equal(res.status, 201, res.text)
      const seqs = results.map((r) => r.body.seq).sort((a, b) => a - b)
      assert.deepEqual(seqs, seqRange(1, 50))
      results.forEach((res, i) => assert.equal(res.body.sender_id, senders[i].user_id))

      const stored = await history(ann, groupChat, '?limit=100')
      assert.equal(stored.body.data.length, 50)
      assert.deepEqual(
        stored.body.data.map((m: any) => m.seq),
        seqRange(50, 1)
      )
      assert.equal(new Set(stored.body.data.map((m: any) => m.sender_id)).size, 50, 'one message per sender')
      const chat = await http(url, 'GET', `/api/chats/${groupChat}`, { token: ann.access_token })
      assert.equal(chat.status, 200)
      assert.equal(chat.body.last_seq, 50)
    })
  })

  describe('client_id idempotency', () => {
    it('a retry with the same client_id returns the original (200, same message_id, no second row)', async () => {
      const first = await postMessage(url, ann, chatId, { content: 'once only', client_id: 'retry-1' })
      assert.equal(first.status, 201, first.text)
      assert.equal(first.body.client_id, 'retry-1')
      const countBefore = (await allMessages(ann, chatId)).length

      const retry = await postMessage(url, ann, chatId, { content: 'once only', client_id: 'retry-1' })
      assert.equal(retry.status, 200, retry.text)
      assert.equal(retry.body.message_id, first.body.message_id)
      assert.equal(retry.body.seq, first.body.seq)
      const all = await allMessages(ann, chatId)
      assert.equal(all.length, countBefore, 'history count unchanged')
      assert.equal(all.filter((m) => m.client_id === 'retry-1' && m.sender_id === ann.user_id).length, 1)

      const chat = await http(url, 'GET', `/api/chats/${chatId}`, { token: ann.access_token })
      assert.equal(chat.body.last_seq, all[all.length - 1].seq, 'the retry used no seq')
      const next = await postMessage(url, ann, chatId, { content: 'after the retry' })
      assert.equal(next.body.seq, chat.body.last_seq + 1, 'no gap after a retry')
    })

    it('10 concurrent sends with the same client_id store exactly one row, all answers the same message', async () => {
      const countBefore = (await allMessages(ann, chatId)).length
      const results = await Promise.all(
        seqRange(1, 10).map(() =>
          postMessage(url, ann, chatId, { content: 'double click', client_id: 'burst-1' })
        )
      )
      for (const res of results) assert.ok(res.status === 201 || res.status === 200, res.text)
      assert.equal(results.filter((r) => r.status === 201).length, 1, 'exactly one created')
      const ids = new Set(results.map((r) => r.body.message_id))
      assert.equal(ids.size, 1, `one message_id, got ${[...ids].join(', ')}`)
      const all = await allMessages(ann, chatId)
      assert.equal(all.length, countBefore + 1)
      assert.equal(all.filter((m) => m.client_id === 'burst-1').length, 1)
      assert.deepEqual(
        all.map((m) => m.seq),
        seqRange(1, all.length),
        'still gap-free'
      )
    })

    it('the same client_id from another sender is a different message', async () => {
      const mine = await postMessage(url, ann, chatId, { content: 'from ann', client_id: 'shared-key' })
      const theirs = await postMessage(url, bob, chatId, { content: 'from bob', client_id: 'shared-key' })
      assert.equal(mine.status, 201)
      assert.equal(theirs.status, 201, theirs.text)
      assert.notEqual(theirs.body.message_id, mine.body.message_id)
      assert.equal(theirs.body.sender_id, bob.user_id)
      assert.equal(theirs.body.content, 'from bob')
      // And in another chat the same sender may reuse it too.
      const elsewhere = await postMessage(url, ann, otherChatId, {
        content: 'other chat',
        client_id: 'shared-key'
      })
      assert.equal(elsewhere.status, 201, elsewhere.text)
      assert.notEqual(elsewhere.body.message_id, mine.body.message_id)
    })
  })

  describe('validation', () => {
    it('reply_to must be a message of the same chat', async () => {
      const target = await postMessage(url, bob, chatId, { content: 'reply to me' })
      const reply = await postMessage(url, ann, chatId, {
        content: 'replying',
        reply_to: target.body.message_id
      })
      assert.equal(reply.status, 201, reply.text)
      assert.equal(reply.body.reply_to, target.body.message_id)

      const foreign = await postMessage(url, ann, otherChatId, { content: 'foreign' })
      const cross = await postMessage(url, ann, chatId, {
        content: 'cross',
        reply_to: foreign.body.message_id
      })
      assert.equal(cross.status, 400, cross.text)
      assert.match(cross.body.message, /reply_to/)
      const unknown = await postMessage(url, ann, chatId, { content: 'ghost', reply_to: ulid() })
      assert.equal(unknown.status, 400)
      assert.match(unknown.body.message, /reply_to/)
    })

    it('content must not be empty and must not exceed 10,000 characters', async () => {
      for (const body of [{ content: '' }, { content: '   \n ' }, {}]) {
        const res = await postMessage(url, ann, chatId, body)
        assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`)
        assert.match(res.body.message, /content/)
      }
      const atLimit = await postMessage(url, ann, chatId, { content: 'x'.repeat(10_000) })
      assert.equal(atLimit.status, 201, atLimit.text)
      assert.equal(atLimit.body.content.length, 10_000)
      const over = await postMessage(url, ann, chatId, { content: 'x'.repeat(10_001) })
      assert.equal(over.status, 400)
      assert.match(over.body.message, /content/)
      const wrongType = await postMessage(url, ann, chatId, { content: 42 })
      assert.equal(wrongType.status, 400)
      const badType = await postMessage(url, ann, chatId, { content: 'x', type: 'video' })
      assert.equal(badType.status, 400)
      assert.match(badType.body.message, /type/)
    })

    it('image and file messages need a file_id, which must be the sender’s own upload', async () => {
      for (const type of ['image', 'file']) {
        const res = await postMessage(url, ann, chatId, { content: '', type })
        assert.equal(res.status, 400, `${type}: ${res.text}`)
        assert.match(res.body.message, /file_id/)
      }
      // There is no upload route yet: the fixture is a row in `files` as the upload service would store it.
      const fileId = ulid()
      await server.app
        .get('postgresqlClient')('files')
        .insert({
          file_id: fileId,
          user_id: bob.user_id,
          filename: 'cat.png',
          mime_type: 'image/png',
          size: 68,
          url: `/files/${fileId}`,
          purpose: 'message',
          storage_key: `test/${fileId}`
        })
      const stolen = await postMessage(url, ann, chatId, { content: '', type: 'image', file_id: fileId })
      assert.equal(stolen.status, 400, stolen.text)
      assert.match(stolen.body.message, /file_id/)
      const missing = await postMessage(url, ann, chatId, { content: '', type: 'file', file_id: ulid() })
      assert.equal(missing.status, 400)
      assert.match(missing.body.message, /file_id/)
      const own = await postMessage(url, bob, chatId, { content: 'look', type: 'image', file_id: fileId })
      assert.equal(own.status, 201, `the uploader may attach it: ${own.text}`)
      assert.equal(own.body.file_id, fileId)
      assert.equal(own.body.type, 'image')
    })
  })

  describe('history', () => {
    let histChat: string
    let histChat2: string
    let ids: Map<number, string>
    let histUser: TestUser
    const total = 120

    before(async function () {
      this.timeout(60_000)
      const carol = await createUser(url, 'Hist Carol')
      const dave = await createUser(url, 'Hist Dave')
      histChat = (await openPrivateChat(url, carol, dave)).chat_id
      histChat2 = (await openPrivateChat(url, carol, ann)).chat_id
      // Two senders alternate in batches, so the chat has messages from both.
      for (let i = 0; i < total; i += 10) {
        await Promise.all(
          seqRange(1, 10).map((j) =>
            postMessage(url, j % 2 ? carol : dave, histChat, { content: `h ${i + j}` })
          )
        )
      }
      await postMessage(url, carol, histChat2, { content: 'elsewhere' })
      const all = await allMessages(carol, histChat)
      ids = new Map(all.map((m) => [m.seq, m.message_id]))
      histUser = carol
    })

    it('is newest first with a default page of 50', async () => {
      const res = await history(histUser, histChat)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.order, 'desc')
      assert.equal(res.body.limit, 50)
      assert.equal(res.body.has_more, true)
      assert.deepEqual(
        res.body.data.map((m: any) => m.seq),
        seqRange(total, total - 49)
      )
      for (const m of res.body.data) assert.equal(m.chat_id, histChat)
    })

    it('caps limit at 100', async () => {
      const res = await history(histUser, histChat, '?limit=1000')
      assert.equal(res.status, 200, res.text)
      assert.ok(res.body.data.length <= 100, `${res.body.data.length} items`)
      assert.equal(res.body.data.length, 100)
      assert.equal(res.body.has_more, true)
      const small = await history(histUser, histChat, '?limit=7')
      assert.equal(small.body.data.length, 7)
      assert.equal((await history(histUser, histChat, '?limit=0')).status, 400)
      assert.equal((await history(histUser, histChat, '?limit=abc')).status, 400)
    })

    it('before=<message_id> pages back with no overlap and no gap until has_more is false', async () => {
      const seen: number[] = []
      let query = '?limit=30'
      let pages = 0
      for (;;) {
        const res = await history(histUser, histChat, query)
        assert.equal(res.status, 200, res.text)
        assert.equal(res.body.order, 'desc')
        pages++
        seen.push(...res.body.data.map((m: any) => m.seq))
        if (!res.body.has_more) break
        assert.ok(pages < 20, 'paging terminates')
        query = `?limit=30&before=${res.body.data[res.body.data.length - 1].message_id}`
      }
      assert.equal(pages, 4)
      assert.deepEqual(seen, seqRange(total, 1), 'every seq exactly once, newest first')
    })

    it('after=<message_id> and after_seq=N return the later messages oldest first', async () => {
      const after = await history(histUser, histChat, `?after=${ids.get(100)}`)
      assert.equal(after.status, 200, after.text)
      assert.equal(after.body.order, 'asc')
      assert.equal(after.body.has_more, false)
      assert.deepEqual(
        after.body.data.map((m: any) => m.seq),
        seqRange(101, total)
      )
      const afterSeq = await history(histUser, histChat, '?after_seq=110')
      assert.equal(afterSeq.body.order, 'asc')
      assert.deepEqual(
        afterSeq.body.data.map((m: any) => m.seq),
        seqRange(111, total)
      )
      const paged = await history(histUser, histChat, '?after_seq=10&limit=5')
      assert.deepEqual(
        paged.body.data.map((m: any) => m.seq),
        [11, 12, 13, 14, 15]
      )
      assert.equal(paged.body.has_more, true)
      const fromStart = await history(histUser, histChat, '?after_seq=0&limit=3')
      assert.deepEqual(
        fromStart.body.data.map((m: any) => m.seq),
        [1, 2, 3]
      )
    })

    it('boundaries: after the last and before the first are empty pages without more', async () => {
      const afterLast = await history(histUser, histChat, `?after_seq=${total}`)
      assert.equal(afterLast.status, 200)
      assert.deepEqual(afterLast.body.data, [])
      assert.equal(afterLast.body.has_more, false)
      const afterLastId = await history(histUser, histChat, `?after=${ids.get(total)}`)
      assert.deepEqual(afterLastId.body.data, [])
      assert.equal(afterLastId.body.has_more, false)
      const beforeFirst = await history(histUser, histChat, `?before=${ids.get(1)}`)
      assert.equal(beforeFirst.status, 200)
      assert.deepEqual(beforeFirst.body.data, [])
      assert.equal(beforeFirst.body.has_more, false)
      const exact = await history(histUser, histChat, `?before=${ids.get(51)}&limit=50`)
      assert.equal(exact.body.data.length, 50)
      assert.equal(exact.body.has_more, false, 'exactly the rest: nothing more')
    })

    it('a cursor from another chat (or no message at all) is a 400', async () => {
      const foreign = (await history(histUser, histChat2)).body.data[0].message_id
      for (const query of [`?before=${foreign}`, `?after=${foreign}`, `?before=${ulid()}`]) {
        const res = await history(histUser, histChat, query)
        assert.equal(res.status, 400, `${query}: ${res.text}`)
        assert.match(res.body.message, /before|after/)
      }
      const unknownParam = await history(histUser, histChat, '?sender_id=x')
      assert.equal(unknownParam.status, 400)
    })
  })

  describe('edit and delete', () => {
    it('the sender edits with PUT and PATCH (edited_at set); another member gets 403', async () => {
      const sent = await postMessage(url, ann, chatId, { content: 'typo hre' })
      const put = await http(url, 'PUT', `/api/messages/${sent.body.message_id}`, {
        token: ann.access_token,
        body: { content: 'typo here' }
      })
      assert.equal(put.status, 200, put.text)
      assert.equal(put.body.content, 'typo here')
      assert.ok(put.body.edited_at && !Number.isNaN(Date.parse(put.body.edited_at)))
      assert.equal(put.body.seq, sent.body.seq)
      assert.equal(put.body.sender_id, ann.user_id)

      const sent2 = await postMessage(url, ann, chatId, { content: 'second draft' })
      const patch = await http(url, 'PATCH', `/api/messages/${sent2.body.message_id}`, {
        token: ann.access_token,
        body: { content: 'second, final' }
      })
      assert.equal(patch.status, 200, patch.text)
      assert.equal(patch.body.content, 'second, final')
      assert.ok(patch.body.edited_at)

      for (const method of ['PUT', 'PATCH']) {
        const res = await http(url, method, `/api/messages/${sent.body.message_id}`, {
          token: bob.access_token,
          body: { content: 'bob was here' }
        })
        assert.equal(res.status, 403, `${method}: ${res.text}`)
        const stranger = await http(url, method, `/api/messages/${sent.body.message_id}`, {
          token: outsider.access_token,
          body: { content: 'outsider was here' }
        })
        assert.equal(stranger.status, 404, `${method} by a non-member`)
      }
      const check = await http(url, 'GET', `/api/messages/${sent.body.message_id}`, {
        token: bob.access_token
      })
      assert.equal(check.body.content, 'typo here')

      const forged = await http(url, 'PATCH', `/api/messages/${sent.body.message_id}`, {
        token: ann.access_token,
        body: { content: 'x', sender_id: bob.user_id }
      })
      assert.equal(forged.status, 400)
      assert.match(forged.body.message, /sender_id/)
      const empty = await http(url, 'PATCH', `/api/messages/${sent.body.message_id}`, {
        token: ann.access_token,
        body: { content: '' }
      })
      assert.equal(empty.status, 400)
    })

    it('delete is a tombstone: content cleared, deleted_at set, seq kept, history without a gap', async () => {
      const [a, b, c] = await sendMany(ann, chatId, 3, 'tomb')
      const byBob = await http(url, 'DELETE', `/api/messages/${b.message_id}`, { token: bob.access_token })
      assert.equal(byBob.status, 403, 'a private-chat member cannot delete someone else’s message')
      const removed = await http(url, 'DELETE', `/api/messages/${b.message_id}`, { token: ann.access_token })
      assert.equal(removed.status, 200, removed.text)
      assert.equal(removed.body.message_id, b.message_id)
      assert.equal(removed.body.content, '')
      assert.ok(removed.body.deleted_at)
      assert.equal(removed.body.seq, b.seq)

      const page = await history(ann, chatId, `?after_seq=${a.seq - 1}`)
      assert.deepEqual(
        page.body.data.map((m: any) => m.seq),
        [a.seq, b.seq, c.seq]
      )
      const tomb = page.body.data[1]
      assert.equal(tomb.message_id, b.message_id)
      assert.equal(tomb.content, '')
      assert.ok(tomb.deleted_at)
      assert.equal(page.body.data[0].content, 'tomb 1')
      assert.equal(page.body.data[2].content, 'tomb 3')
      const all = await allMessages(ann, chatId)
      assert.deepEqual(
        all.map((m) => m.seq),
        seqRange(1, all.length),
        'no gap in the whole history'
      )

      const again = await http(url, 'DELETE', `/api/messages/${b.message_id}`, { token: ann.access_token })
      assert.equal(again.status, 404)
      for (const method of ['PUT', 'PATCH']) {
        const edit = await http(url, method, `/api/messages/${b.message_id}`, {
          token: ann.access_token,
          body: { content: 'resurrected' }
        })
        assert.equal(edit.status, 404, `${method} of a deleted message: ${edit.text}`)
      }
      const outsiderDelete = await http(url, 'DELETE', `/api/messages/${a.message_id}`, {
        token: outsider.access_token
      })
      assert.equal(outsiderDelete.status, 404)
    })

    it('in a group, an owner or admin may delete anyone’s message; a member may not', async () => {
      const admin = await createUser(url, 'Del Admin')
      const member = await createUser(url, 'Del Member')
      const group = await http(url, 'POST', '/api/groups', {
        token: ann.access_token,
        body: { name: 'Moderated', member_ids: [bob.user_id, member.user_id] }
      })
      assert.equal(group.status, 201, group.text)
      const promoted = await http(url, 'POST', `/api/groups/${group.body.group_id}/members`, {
        token: ann.access_token,
        body: { user_id: admin.user_id, role: 'admin' }
      })
      assert.equal(promoted.status, 201, promoted.text)
      const [one, two] = await sendMany(bob, group.body.chat_id, 2, 'moderate me')
      const byMember = await http(url, 'DELETE', `/api/messages/${one.message_id}`, {
        token: member.access_token
      })
      assert.equal(byMember.status, 403)
      const byAdmin = await http(url, 'DELETE', `/api/messages/${one.message_id}`, {
        token: admin.access_token
      })
      assert.equal(byAdmin.status, 200, byAdmin.text)
      assert.ok(byAdmin.body.deleted_at)
      const byOwner = await http(url, 'DELETE', `/api/messages/${two.message_id}`, {
        token: ann.access_token
      })
      assert.equal(byOwner.status, 200, byOwner.text)
      const editByOwner = await http(url, 'PATCH', `/api/messages/${two.message_id}`, {
        token: ann.access_token,
        body: { content: 'not mine to edit' }
      })
      assert.equal(editByOwner.status, 403, 'moderators delete, they do not edit')
    })
  })

  describe('calls without an id', () => {
    it('never touch every message: DELETE and PATCH /api/messages are 404, remove(null) inside the server is a 400', async () => {
      const kept = (await postMessage(url, ann, chatId, { content: 'not every message' })).body
      assert.equal((await http(url, 'DELETE', '/api/messages', { token: ann.access_token })).status, 404)
      const patch = await http(url, 'PATCH', '/api/messages', {
        token: ann.access_token,
        body: { content: 'x' }
      })
      assert.equal(patch.status, 404, patch.text)
      await assertRefusesEveryRecord(server.app.service('api/messages'), 'messages', { content: 'x' })
      const still = await http(url, 'GET', `/api/messages/${kept.message_id}`, { token: ann.access_token })
      assert.equal(still.body.content, 'not every message')
      assert.equal(still.body.deleted_at, null)
    })
  })

  describe('full-text search', () => {
    let searchChat: string
    let twice: any
    let once: any
    let deleted: any
    let foreign: any
    const search = (user: TestUser, chat: string, query: string) =>
      http(url, 'GET', `/api/chats/${chat}/messages/search${query}`, { token: user.access_token })

    before(async () => {
      const erin = await createUser(url, 'Search Erin')
      searchChat = (await openPrivateChat(url, ann, erin)).chat_id
      once = (await postMessage(url, ann, searchChat, { content: 'A zebra crossing ahead' })).body
      twice = (await postMessage(url, erin, searchChat, { content: 'Zebra ZEBRA stripes' })).body
      await postMessage(url, ann, searchChat, { content: 'nothing to see here' })
      deleted = (await postMessage(url, ann, searchChat, { content: 'a zebra that was deleted' })).body
      const del = await http(url, 'DELETE', `/api/messages/${deleted.message_id}`, {
        token: ann.access_token
      })
      assert.equal(del.status, 200)
      foreign = (await postMessage(url, ann, otherChatId, { content: 'zebra in another chat' })).body
    })

    it('finds by word, case-insensitively, ranked, without deleted messages or other chats', async () => {
      const res = await search(ann, searchChat, '?q=ZEBRA')
      assert.equal(res.status, 200, res.text)
      assert.equal(res.body.data.length, 2)
      const found = res.body.data.map((m: any) => m.message_id)
      assert.deepEqual(found, [twice.message_id, once.message_id], 'exact matches, newest first')
      assert.ok(!found.includes(deleted.message_id), 'deleted messages are not found')
      assert.ok(!found.includes(foreign.message_id), 'other chats are not searched')
      for (const m of res.body.data) assert.equal(m.chat_id, searchChat)
      assert.deepEqual(
        res.body.data.map((m: any) => m.rank),
        [3, 3],
        'both exact: recent first'
      )

      const lower = await search(ann, searchChat, '?q=stripes')
      assert.deepEqual(
        lower.body.data.map((m: any) => m.message_id),
        [twice.message_id]
      )
      const none = await search(ann, searchChat, '?q=giraffe')
      assert.deepEqual(none.body.data, [])
      const tombstoneWord = await search(ann, searchChat, '?q=deleted')
      assert.deepEqual(tombstoneWord.body.data, [])
    })

    it('paginates with $limit / $skip: {data, limit, skip, has_more}', async () => {
      const first = await search(ann, searchChat, '?q=zebra&$limit=1')
      assert.equal(first.status, 200)
      assert.equal(first.body.has_more, true)
      assert.equal(first.body.limit, 1)
      assert.equal(first.body.data.length, 1)
      assert.equal(first.body.data[0].message_id, twice.message_id)
      const second = await search(ann, searchChat, '?q=zebra&$limit=1&$skip=1')
      assert.equal(second.body.has_more, false)
      assert.equal(second.body.skip, 1)
      assert.deepEqual(
        second.body.data.map((m: any) => m.message_id),
        [once.message_id]
      )
      const past = await search(ann, searchChat, '?q=zebra&$skip=5')
      assert.equal(past.body.has_more, false)
      assert.deepEqual(past.body.data, [])
    })

    it('is for members only and validates q', async () => {
      assert.equal((await search(outsider, searchChat, '?q=zebra')).status, 404)
      assert.equal((await search(bob, searchChat, '?q=zebra')).status, 404)
      const missing = await search(ann, searchChat, '')
      assert.equal(missing.status, 400)
      assert.match(missing.body.message, /q/)
      assert.equal((await search(ann, searchChat, '?q=')).status, 400)
      assert.equal((await search(ann, searchChat, '?q=zebra&sender_id=x')).status, 400)
    })

    it('reads q as web-search syntax: tsquery operators never cause an error', async () => {
      for (const q of [
        'a & | ! (',
        'zebra & | ! (',
        "zebra:* ) '",
        '!!!',
        '"zebra crossing"',
        'zebra -stripes'
      ]) {
        const res = await search(ann, searchChat, `?q=${encodeURIComponent(q)}`)
        assert.equal(res.status, 200, `${q}: ${res.text}`)
        assert.ok(Array.isArray(res.body.data))
      }
      const phrase = await search(ann, searchChat, `?q=${encodeURIComponent('"zebra crossing"')}`)
      assert.deepEqual(
        phrase.body.data.map((m: any) => m.message_id),
        [once.message_id]
      )
      const excluded = await search(ann, searchChat, `?q=${encodeURIComponent('zebra -stripes')}`)
      assert.deepEqual(
        excluded.body.data.map((m: any) => m.message_id),
        [once.message_id]
      )
    })
  })

  after(assertNoSecretsSeen)
})

// A stream of messages across two instances while a Redis primary is killed (Cluster or Sentinel tests):
// a writer sends on B over REST, a reader listens on A, an outsider on A must hear nothing. The stream goes on
// until a message sent after the kill has arrived live on A, then 20 more. Every acknowledged message must be
// in the reader's history; the live stream may miss the ones published while the shard had no primary (pub/sub
// is at most once: clients catch up with `after_seq`). Figures are returned (and printed), not asserted on.
import assert from 'node:assert/strict'
import type { TestServer } from '../helpers'
import { createUser } from '../helpers'
import { http } from './http'
import { openPrivateChat, postMessage } from './chats'
import type { SocketClient } from './sockets'
import { eventually, sleep } from './wait'

export interface FailoverFigures {
  acknowledged: number
  lost: number
  liveBeforeKill: number
  missedLive: number
  /** From the kill to the first live arrival on A of a message sent after the kill. */
  resumeMs: number
  /** Sends that needed a retry (same client_id) during the failover. */
  retriedSends: number
  /** The longest a send took (REST round trip, retries included): how long B's writes stalled. */
  slowestSendMs: number
}

const AFTER_RESUME = 20
const KILL_AFTER = 20
const STREAM_LIMIT_MS = 40000

export const streamThroughFailover = async (
  a: TestServer,
  b: TestServer,
  connect: (server: TestServer, accessToken: string) => Promise<SocketClient>,
  kill: (chatId: string) => Promise<void>
): Promise<FailoverFigures> => {
  const writer = await createUser(b.url, 'Failover Writer')
  const reader = await createUser(a.url, 'Failover Reader')
  const outsider = await createUser(a.url, 'Failover Outsider')
  const chat = await openPrivateChat(b.url, writer, reader)
  const readerOnA = await connect(a, reader.access_token)
  const outsiderOnA = await connect(a, outsider.access_token)
  const arrived = new Map<number, number>() // seq → arrival time
  readerOnA.client.service('api/messages').on('created', (m: any) => {
    if (m.chat_id === chat.chat_id) arrived.set(m.seq, Date.now())
  })
  let outsiderHeard = 0
  outsiderOnA.client.service('api/messages').on('created', () => outsiderHeard++)

  const acked: Array<{ seq: number; sentAt: number }> = []
  let killedAt = 0
  let firstAfterKill = Infinity
  let retriedSends = 0
  let slowestSendMs = 0
  const resumed = () => [...arrived.keys()].some((seq) => seq >= firstAfterKill)
  for (let i = 1; ; i++) {
    if (i === KILL_AFTER + 1) {
      await kill(chat.chat_id)
      killedAt = Date.now()
    }
    const sentAt = Date.now()
    let answer = await postMessage(b.url, writer, chat.chat_id, { content: `f${i}`, client_id: `f${i}` })
    for (let retry = 0; answer.status !== 201 && retry < 20; retry++) {
      retriedSends++
      await sleep(250)
      answer = await postMessage(b.url, writer, chat.chat_id, { content: `f${i}`, client_id: `f${i}` })
    }
    assert.equal(answer.status, 201, answer.text)
    slowestSendMs = Math.max(slowestSendMs, Date.now() - sentAt)
    acked.push({ seq: answer.body.seq, sentAt })
    if (killedAt && firstAfterKill === Infinity) firstAfterKill = answer.body.seq
    const sentSinceResume = resumed() ? acked.filter((m) => m.seq > firstAfterKill).length : 0
    if (sentSinceResume >= AFTER_RESUME) break
    assert.ok(Date.now() - killedAt < STREAM_LIMIT_MS || !killedAt, 'live delivery never resumed')
    await sleep(20)
  }
  const last = acked[acked.length - 1].seq
  await eventually(() => assert.ok(arrived.has(last), 'the last message arrived live'), 10000)

  // Nothing acknowledged is lost: the reader's history holds every acknowledged message.
  const stored = new Set<number>()
  for (let more = true; more;) {
    const after = Math.max(0, ...stored)
    const page = await http(
      a.url,
      'GET',
      `/api/chats/${chat.chat_id}/messages?limit=100&after_seq=${after}`,
      {
        token: reader.access_token
      }
    )
    page.body.data.forEach((m: any) => stored.add(m.seq))
    more = page.body.has_more
  }
  const lost = acked.filter((m) => !stored.has(m.seq)).length
  assert.equal(lost, 0, 'every acknowledged message is stored')
  assert.equal(outsiderHeard, 0, 'the outsider heard nothing')
  const resumedAt = Math.min(...[...arrived].filter(([seq]) => seq >= firstAfterKill).map(([, at]) => at))
  return {
    acknowledged: acked.length,
    lost,
    liveBeforeKill: acked.filter((m) => m.seq <= KILL_AFTER && arrived.has(m.seq)).length,
    missedLive: acked.filter((m) => !arrived.has(m.seq)).length,
    resumeMs: resumedAt - killedAt,
    retriedSends,
    slowestSendMs
  }
}

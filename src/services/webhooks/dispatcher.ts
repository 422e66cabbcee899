// The delivery worker of outgoing webhooks (SPEC §15), one per server instance. It claims due deliveries
// from the outbox (`webhook_deliveries`) with FOR UPDATE SKIP LOCKED and a lease (`locked_until`): two
// instances never send the same attempt at once, and a crashed worker's rows come back when its lease
// expires. Only the oldest pending delivery of each (webhook, chat) can be claimed, so a chat's events reach
// a webhook in order, one at a time. At least once: a delivery is marked delivered only after a 2xx answer;
// a failure is retried with exponential back-off and jitter; after `maxConsecutiveFailures` failed attempts
// in a row the webhook is disabled and its creator told (`patched` on api/webhooks, channels.ts).
// The worker wakes at once when this instance enqueues for a chat it knows has webhooks, and polls every
// `pollMs` for the rest (retries, other instances' events, a stale list of watched chats).
import { randomUUID } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { recordAudit } from '../../audit/audit-log'
import { retryDeadlock } from '../../errors'
import { CLAIM_SQL, DELIVERED_SQL, intArray } from './delivery-statements'
import { checkTarget, TargetRefused, type CheckedTarget } from './target-guard'
import { createAgents, postWebhook, type AttemptResult } from './sender'
import { webhookColumns, type WebhookRecord } from './webhooks.schema'
import { backoffMs, webhookBody, withAttachment, type Claimed, type Delivered } from './delivery'

/** How long a claim holds a delivery: its request's timeout, and time to record the outcome. */
const leaseMs = (timeoutMs: number) => 2 * timeoutMs + 5000

/** How often each instance prunes the delivery log. */
const PRUNE_EVERY_MS = 10 * 60_000

export class WebhookDispatcher {
  private running = false
  private loopDone?: Promise<void>
  private woken = false
  private wakeUp?: () => void
  /** Claims being worked on, by token: each a set of (webhook, chat) queues sent in order. */
  private readonly inFlight = new Map<number, Promise<void>>()
  /** Chats with a queue being sent by this instance, and how many of their queues are. */
  private readonly busyChats = new Map<string, number>()
  private readonly openClaims = new Map<number, string>()
  private prunedAt = 0
  /** Chats with an active webhook (and whether a system-wide one exists), reloaded every few polls. */
  private watched = { chats: new Set<string>(), global: false, loadedAt: 0 }
  /** Attempts made by this instance (the benchmark and tests read them). */
  readonly counts = { delivered: 0, failed: 0 }
  /** Bumped when a webhook changes on this instance: a run in progress is recorded and re-checked at once. */
  private generation = 0
  /** Keep-alive connections to the targets, this instance's own (closed on stop). */
  private readonly agents = createAgents()

  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private get settings() {
    return this.app.get('webhooks')
  }

  start() {
    if (this.running) return
    this.running = true
    this.loopDone = this.loop()
  }

  /**
   * Stops claiming, lets the attempts in flight finish (up to the request timeout), then gives back the
   * lease of any still running, so another instance retries them at once instead of after the lease.
   */
  async stop() {
    if (!this.running) return
    this.running = false
    this.wake()
    await this.loopDone
    const finished = Promise.allSettled([...this.inFlight.values()])
    const deadline = new Promise((resolve) => setTimeout(resolve, this.settings.timeoutMs + 500).unref())
    await Promise.race([finished, deadline])
    // Whatever is still claimed goes back to the queue at once (another instance takes it over).
    const claims = [...new Set(this.openClaims.values())]
    if (claims.length)
      await this.db('webhook_deliveries')
        .whereIn('claim', claims)
        .where('state', 'pending')
        .update({ locked_until: null, claim: null })
        .catch(() => undefined)
    this.agents.http.destroy()
    this.agents.https.destroy()
  }

  /** A local enqueue for `chatId` happened: wake the worker if any webhook may want it. */
  maybeWake(chatId: string) {
    // A chat whose queue is being sent here needs no claim now: that queue wakes the worker when it is done,
    // and its next claim takes the new deliveries in order. (Waking on every message of a busy chat ran one
    // claim statement per message that found the queue's head leased.)
    if (this.busyChats.has(chatId)) return
    if (this.watched.global || this.watched.chats.has(chatId)) this.wake()
  }

  /** Wakes the worker now (and reloads the watched chats: a webhook was created or changed). */
  wake(reload = false) {
    if (reload) {
      this.watched.loadedAt = 0
      this.generation++
    }
    this.woken = true
    this.wakeUp?.()
  }

  private async reloadWatched() {
    const rows: Array<{ chat_id: string | null }> = await this.db('webhooks')
      .where('active', true)
      .distinct('chat_id')
    this.watched = {
      chats: new Set(rows.filter((r) => r.chat_id).map((r) => r.chat_id!)),
      global: rows.some((r) => r.chat_id === null),
      loadedAt: Date.now()
    }
  }

  /** Removes delivered deliveries (their attempts with them) older than `retentionDays`, a bounded batch. */
  async prune() {
    this.prunedAt = Date.now()
    await this.db.raw(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE state = 'delivered' AND finished_at < now() - (?::int * interval '1 day')
         LIMIT 10000)`,
      [this.settings.retentionDays]
    )
  }

  private idle(ms: number) {
    if (this.woken || !this.running) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wakeUp = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  private async loop() {
    const log = this.app.get('logger')
    while (this.running) {
      this.woken = false
      this.wakeUp = undefined
      let full = false
      try {
        const { pollMs, concurrency, timeoutMs } = this.settings
        if (Date.now() - this.watched.loadedAt > Math.max(5 * pollMs, 5000)) await this.reloadWatched()
        if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) await this.prune()
        const free = concurrency - this.inFlight.size
        if (free > 0) {
          const claim = randomUUID()
          const rows: Claimed[] = (await this.db.raw(CLAIM_SQL, [free, leaseMs(timeoutMs), claim])).rows
          const queues = new Map<string, Claimed[]>()
          for (const row of rows.sort((x, y) => Number(x.id) - Number(y.id))) {
            const key = `${row.webhook_id}\t${row.chat_id}`
            queues.set(key, [...(queues.get(key) ?? []), row])
          }
          full = queues.size === free
          for (const queue of queues.values()) this.track(queue, claim)
        }
      } catch (error) {
        if (this.running) log.warn({ err: error }, 'webhook worker: claiming deliveries failed')
      }
      if (!full) await this.idle(this.settings.pollMs)
      else if (this.inFlight.size >= this.settings.concurrency) await this.idle(this.settings.pollMs)
    }
  }

  private track(queue: Claimed[], claim: string) {
    const key = Number(queue[0].id)
    const chatId = queue[0].chat_id
    this.openClaims.set(key, claim)
    this.busyChats.set(chatId, (this.busyChats.get(chatId) ?? 0) + 1)
    const work = this.sendQueue(queue, claim)
      .catch((error) => this.app.get('logger').warn({ err: error }, 'webhook worker: a delivery failed'))
      .finally(() => {
        this.inFlight.delete(key)
        this.openClaims.delete(key)
        const busy = (this.busyChats.get(chatId) ?? 1) - 1
        if (busy > 0) this.busyChats.set(chatId, busy)
        else this.busyChats.delete(chatId)
        this.wake() // that queue's next deliveries may be due now
      })
    this.inFlight.set(key, work)
  }

  /** One queue's claimed deliveries, in order; stops at a failure (or when stopping) and gives the rest back. */
  private async sendQueue(queue: Claimed[], claim: string) {
    // The target is checked (DNS answers included) once per claim: its requests all go to that address.
    let target: Promise<CheckedTarget> | undefined
    const checked = () => (target ??= checkTarget(queue[0].url, this.settings.allowPrivateTargets))
    const lease = leaseMs(this.settings.timeoutMs)
    let delivered: Delivered[] = []
    let recordedAt = performance.now()
    let seen = this.generation
    let i = 0
    while (i < queue.length && this.running) {
      const row = queue[i++]
      const result = await this.attempt(row, checked)
      if (!result.ok) {
        if (delivered.length) await this.recordDelivered(delivered, claim, [])
        delivered = []
        await this.recordFailed(row, result, claim)
        break
      }
      delivered.push({ row, result })
      const rest = queue.slice(i)
      if (rest.length && performance.now() - recordedAt < lease / 3 && this.generation === seen) continue
      const carryOn = await this.recordDelivered(delivered, claim, rest)
      delivered = []
      recordedAt = performance.now()
      seen = this.generation
      if (!carryOn) break
    }
    if (delivered.length) await this.recordDelivered(delivered, claim, [])
    const rest = queue.slice(i).map((row) => row.id)
    if (rest.length)
      await this.db('webhook_deliveries')
        .whereIn('id', rest)
        .where({ claim, state: 'pending' })
        .update({ locked_until: null, claim: null })
  }

  private async attempt(row: Claimed, checked: () => Promise<CheckedTarget>): Promise<AttemptResult> {
    const { timeoutMs } = this.settings
    let result: AttemptResult
    const started = performance.now()
    try {
      const target = await checked()
      const body = webhookBody(await withAttachment(this.db, row))
      // Whole seconds: the signed timestamp is the one in `webhook-timestamp`.
      const now = new Date(Math.floor(Date.now() / 1000) * 1000)
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'chat-backend-webhooks/1',
        'webhook-id': row.msg_id,
        'webhook-timestamp': String(now.getTime() / 1000),
        'webhook-signature': new Webhook(row.secret).sign(row.msg_id, now, body)
      }
      result = await postWebhook(target, headers, body, timeoutMs, this.agents)
    } catch (error) {
      const refused = error instanceof TargetRefused
      result = {
        ok: false,
        error: refused ? `target refused: ${error.message}` : String((error as Error)?.message ?? error),
        durationMs: Math.round(performance.now() - started)
      }
    }
    this.counts[result.ok ? 'delivered' : 'failed']++
    this.app.get('metrics')?.webhookAttempts?.inc({ outcome: result.ok ? 'delivered' : 'failed' })
    return result
  }

  /**
   * A run of 2xx answers: one statement (DELIVERED_SQL), which also renews the lease of `rest`. Answers
   * whether `rest` may go: all of the run was still ours and the webhook is still active with the same URL.
   */
  private async recordDelivered(run: Delivered[], claim: string, rest: Claimed[]) {
    const { row } = run[0]
    const { rows } = await retryDeadlock(() =>
      this.db.raw(DELIVERED_SQL, [
        intArray(run.map((d) => d.row.id)),
        intArray(run.map((d) => d.result.status)),
        intArray(run.map((d) => d.result.durationMs)),
        claim,
        row.webhook_id,
        leaseMs(this.settings.timeoutMs),
        intArray(rest.map((r) => r.id)),
        claim,
        row.webhook_id,
        row.url
      ])
    )
    return rest.length > 0 && rows[0]?.done === run.length && rows[0]?.renewed === rest.length
  }

  /** A failure: the log row, the retry's time and the webhook's failure run (disabled at its limit). */
  private async recordFailed(row: Claimed, result: AttemptResult, claim: string) {
    const { retryBaseMs, retryMaxMs, maxConsecutiveFailures } = this.settings
    const metrics = this.app.get('metrics')
    const attempt = row.attempts + 1
    const disabled = await retryDeadlock(() =>
      this.db.transaction(async (trx) => {
        // The webhook row first, as a DELETE of the webhook locks it (then its deliveries by cascade): the same
        // order in both, or the two deadlock.
        const webhook = await trx('webhooks')
          .where({ webhook_id: row.webhook_id })
          .forUpdate()
          .first('active', 'consecutive_failures')
        if (!webhook) return undefined
        // Still ours? (a lease that expired may have let another worker claim it again)
        const updated = await trx('webhook_deliveries')
          .where({ id: row.id, claim, state: 'pending' })
          .update({
            attempts: attempt,
            locked_until: null,
            claim: null,
            next_attempt_at: trx.raw(`now() + (?::int * interval '1 millisecond')`, [
              backoffMs(attempt, retryBaseMs, retryMaxMs)
            ])
          })
          .returning('id')
        if (!updated.length) return undefined
        await trx('webhook_attempts').insert({
          delivery_id: row.id,
          webhook_id: row.webhook_id,
          attempt,
          status_code: result.status ?? null,
          duration_ms: result.durationMs,
          error: result.error?.slice(0, 1000) ?? null,
          ok: false
        })
        const failures = webhook.consecutive_failures + 1
        const disable = webhook.active && failures >= maxConsecutiveFailures
        const [changed] = await trx('webhooks')
          .where({ webhook_id: row.webhook_id })
          .update({
            consecutive_failures: failures,
            ...(disable ? { active: false, updated_at: trx.fn.now() } : {})
          })
          .returning(webhookColumns)
        // The server itself acts here: the audit log says so (no actor), with the run that disabled it.
        if (disable)
          await recordAudit(trx, {
            actor_id: null,
            actor_kind: 'system',
            action: 'webhook.disabled',
            target_type: 'webhook',
            target_id: row.webhook_id,
            chat_id: row.chat_id,
            details: { consecutive_failures: failures, last_error: result.error ?? `HTTP ${result.status}` }
          })
        return disable ? (changed as WebhookRecord) : undefined
      })
    )
    if (disabled) {
      metrics?.webhooksDisabled?.inc()
      this.app.get('logger').warn({ webhook_id: disabled.webhook_id }, 'webhook disabled after failures')
      this.wake(true)
      this.app.service('api/webhooks').emit('patched', disabled)
    }
  }
}

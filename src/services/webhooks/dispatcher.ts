// The delivery worker of outgoing webhooks (SPEC §15), one per server instance. It claims due deliveries
// from the outbox (`webhook_deliveries`) with FOR UPDATE SKIP LOCKED and a lease (`locked_until`): two
// instances never send the same attempt at once, and a crashed worker's rows come back when its lease
// expires. Only the oldest pending delivery of each (webhook, chat) can be claimed, so a chat's events reach
// a webhook in order, one at a time. At least once: a delivery is marked delivered only after a 2xx answer;
// a failure is retried with exponential back-off and jitter; after `maxConsecutiveFailures` failed attempts
// in a row the webhook is disabled and its creator told (`patched` on api/webhooks, channels.ts).
// The worker wakes at once when this instance enqueues for a chat it knows has webhooks, and polls every
// `pollMs` for the rest (retries, other instances' events, a stale list of watched chats).
import { Webhook } from 'standardwebhooks'
import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import { checkTarget, TargetRefused } from './target-guard'
import { postWebhook, type AttemptResult } from './sender'
import { webhookColumns, type WebhookRecord } from './webhooks.schema'

interface Claimed {
  id: number
  webhook_id: string
  chat_id: string
  event: string
  msg_id: string
  payload: unknown
  attempts: number
  created_at: string
  url: string
  secret: string
}

/** jsonb answers timestamps in PostgreSQL's form: the API's (ISO, milliseconds, Z) instead. */
const isoTimestamps = (value: any): any => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const copy: Record<string, unknown> = { ...value }
  for (const [key, v] of Object.entries(copy)) {
    if (key.endsWith('_at') && typeof v === 'string' && !Number.isNaN(Date.parse(v)))
      copy[key] = new Date(v).toISOString()
  }
  return copy
}

/** The body of a delivery: `{type, timestamp, data}`, the same on every attempt. */
export const webhookBody = (row: Pick<Claimed, 'event' | 'created_at' | 'payload'>) =>
  JSON.stringify({
    type: row.event,
    timestamp: new Date(row.created_at).toISOString(),
    data: isoTimestamps(row.payload)
  })

/** Exponential back-off with jitter: attempt n waits between half and all of base·2^(n-1), capped. */
export const backoffMs = (attempt: number, baseMs: number, maxMs: number) => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30))
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
}

/** How long a claim holds a delivery: its request's timeout, and time to record the outcome. */
const leaseMs = (timeoutMs: number) => 2 * timeoutMs + 5000

const CLAIM_SQL = `
WITH due AS (
  SELECT d.id FROM webhook_deliveries d
  JOIN webhooks w ON w.webhook_id = d.webhook_id AND w.active
  WHERE d.state = 'pending' AND d.next_attempt_at <= now()
    AND (d.locked_until IS NULL OR d.locked_until < now())
    AND NOT EXISTS (
      SELECT 1 FROM webhook_deliveries o
      WHERE o.webhook_id = d.webhook_id AND o.chat_id = d.chat_id AND o.state = 'pending' AND o.id < d.id
    )
  ORDER BY d.next_attempt_at, d.id
  LIMIT ?
  FOR UPDATE OF d SKIP LOCKED
)
UPDATE webhook_deliveries d
SET locked_until = now() + (?::int * interval '1 millisecond'), attempts = d.attempts + 1
FROM due, webhooks w
WHERE d.id = due.id AND w.webhook_id = d.webhook_id
RETURNING d.id, d.webhook_id, d.chat_id, d.event, d.msg_id, d.payload, d.attempts, d.created_at, w.url, w.secret`

export class WebhookDispatcher {
  private running = false
  private loopDone?: Promise<void>
  private woken = false
  private wakeUp?: () => void
  private readonly inFlight = new Map<number, Promise<void>>()
  /** Chats with an active webhook (and whether a system-wide one exists), reloaded every few polls. */
  private watched = { chats: new Set<string>(), global: false, loadedAt: 0 }
  /** Attempts made by this instance (the benchmark and tests read them). */
  readonly counts = { delivered: 0, failed: 0 }

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
    const left = [...this.inFlight.keys()]
    const finished = Promise.allSettled([...this.inFlight.values()])
    const deadline = new Promise((resolve) => setTimeout(resolve, this.settings.timeoutMs + 500).unref())
    await Promise.race([finished, deadline])
    const unfinished = left.filter((id) => this.inFlight.has(id))
    if (unfinished.length)
      await this.db('webhook_deliveries')
        .whereIn('id', unfinished)
        .where('state', 'pending')
        .update({ locked_until: null })
        .catch(() => undefined)
  }

  /** A local enqueue for `chatId` happened: wake the worker if any webhook may want it. */
  maybeWake(chatId: string) {
    if (this.watched.global || this.watched.chats.has(chatId)) this.wake()
  }

  /** Wakes the worker now (and reloads the watched chats: a webhook was created or changed). */
  wake(reload = false) {
    if (reload) this.watched.loadedAt = 0
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
        const free = concurrency - this.inFlight.size
        if (free > 0) {
          const rows: Claimed[] = (await this.db.raw(CLAIM_SQL, [free, leaseMs(timeoutMs)])).rows
          full = rows.length === free
          for (const row of rows) this.track(row)
        }
      } catch (error) {
        if (this.running) log.warn({ err: error }, 'webhook worker: claiming deliveries failed')
      }
      if (!full) await this.idle(this.settings.pollMs)
      else if (this.inFlight.size >= this.settings.concurrency) await this.idle(this.settings.pollMs)
    }
  }

  private track(row: Claimed) {
    const attempt = this.attempt(row)
      .catch((error) => this.app.get('logger').warn({ err: error }, 'webhook worker: an attempt failed'))
      .finally(() => {
        this.inFlight.delete(row.id)
        this.wake() // the next delivery of that chat may be due now
      })
    this.inFlight.set(row.id, attempt)
  }

  private async attempt(row: Claimed) {
    const { allowPrivateTargets, timeoutMs } = this.settings
    let result: AttemptResult
    const started = performance.now()
    try {
      const target = await checkTarget(row.url, allowPrivateTargets)
      const body = webhookBody(row)
      // Whole seconds: the signed timestamp is the one in `webhook-timestamp`.
      const now = new Date(Math.floor(Date.now() / 1000) * 1000)
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'chat-backend-webhooks/1',
        'webhook-id': row.msg_id,
        'webhook-timestamp': String(now.getTime() / 1000),
        'webhook-signature': new Webhook(row.secret).sign(row.msg_id, now, body)
      }
      result = await postWebhook(target, headers, body, timeoutMs)
    } catch (error) {
      const refused = error instanceof TargetRefused
      result = {
        ok: false,
        error: refused ? `target refused: ${error.message}` : String((error as Error)?.message ?? error),
        durationMs: Math.round(performance.now() - started)
      }
    }
    await this.record(row, result)
  }

  /** The attempt's log row, the delivery's new state and the webhook's failure run, in one transaction. */
  private async record(row: Claimed, result: AttemptResult) {
    const { retryBaseMs, retryMaxMs, maxConsecutiveFailures } = this.settings
    const metrics = this.app.get('metrics')
    this.counts[result.ok ? 'delivered' : 'failed']++
    metrics?.webhookAttempts?.inc({ outcome: result.ok ? 'delivered' : 'failed' })
    const disabled = await this.db.transaction(async (trx) => {
      // Still ours? (a lease that expired may have let another worker claim it again)
      const updated = await trx('webhook_deliveries')
        .where({ id: row.id, attempts: row.attempts, state: 'pending' })
        .update(
          result.ok
            ? { state: 'delivered', locked_until: null, finished_at: trx.fn.now() }
            : {
                locked_until: null,
                next_attempt_at: trx.raw(`now() + (?::int * interval '1 millisecond')`, [
                  backoffMs(row.attempts, retryBaseMs, retryMaxMs)
                ])
              }
        )
        .returning('id')
      if (!updated.length) return undefined
      await trx('webhook_attempts').insert({
        delivery_id: row.id,
        webhook_id: row.webhook_id,
        attempt: row.attempts,
        status_code: result.status ?? null,
        duration_ms: result.durationMs,
        error: result.error?.slice(0, 1000) ?? null,
        ok: result.ok
      })
      if (result.ok) {
        await trx('webhooks')
          .where({ webhook_id: row.webhook_id })
          .where('consecutive_failures', '>', 0)
          .update({ consecutive_failures: 0 })
        return undefined
      }
      const webhook = await trx('webhooks')
        .where({ webhook_id: row.webhook_id })
        .forUpdate()
        .first('active', 'consecutive_failures')
      if (!webhook) return undefined
      const failures = webhook.consecutive_failures + 1
      const disable = webhook.active && failures >= maxConsecutiveFailures
      const [changed] = await trx('webhooks')
        .where({ webhook_id: row.webhook_id })
        .update({
          consecutive_failures: failures,
          ...(disable ? { active: false, updated_at: trx.fn.now() } : {})
        })
        .returning(webhookColumns)
      return disable ? (changed as WebhookRecord) : undefined
    })
    if (disabled) {
      metrics?.webhooksDisabled?.inc()
      this.app.get('logger').warn({ webhook_id: disabled.webhook_id }, 'webhook disabled after failures')
      this.wake(true)
      this.app.service('api/webhooks').emit('patched', disabled)
    }
  }
}

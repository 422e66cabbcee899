// A claimed delivery of an outgoing webhook (SPEC §15) and what goes out with it: the body (the same on every
// attempt), the attachment of a file message, and the back-off before the next attempt. The worker that
// claims, sends and records deliveries is dispatcher.ts.
import type { Knex } from 'knex'
import { withFiles } from '../messages/message-store'
import type { Message } from '../messages/messages.schema'
import type { AttemptResult } from './sender'

/** A delivery answered with a 2xx, not yet recorded. */
export interface Delivered {
  row: Claimed
  result: AttemptResult
}

export interface Claimed {
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

/** Image and file messages carry their attachment's metadata as members get it (`file`), looked up now. */
export const withAttachment = async (db: Knex, row: Claimed): Promise<Claimed> => {
  const message = row.payload as Message | undefined
  if (!row.event.startsWith('message.') || !message || message.type === 'text' || 'file' in message)
    return row
  const [withFile] = await withFiles(db, [message])
  return { ...row, payload: withFile }
}

/** Exponential back-off with jitter: attempt n waits between half and all of base·2^(n-1), capped. */
export const backoffMs = (attempt: number, baseMs: number, maxMs: number) => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30))
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
}

// The audit log (SPEC §15): every admin and moderation action, written with `recordAudit` inside the SAME
// transaction as the change it records (pass the transaction), so there is never an action without its row
// or a row for an action that was rolled back. Listed by the admin CLI (`audit list`).
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'

/** `system`: the server on its own (a webhook disabled after a run of failed deliveries). */
export type AuditActorKind = 'user' | 'cli' | 'system'

export interface AuditEntry {
  /** The user who acted; null for the admin CLI. */
  actor_id: string | null
  actor_kind: AuditActorKind
  /** Dotted names, e.g. `group.member_added`, `user.banned`, `report.resolved`. */
  action: string
  target_type: 'user' | 'group' | 'message' | 'report' | 'webhook' | 'bot' | string
  target_id?: string | null
  group_id?: string | null
  chat_id?: string | null
  details?: Record<string, unknown>
}

export interface AuditRow extends Required<Omit<AuditEntry, 'details'>> {
  id: number
  details: Record<string, unknown>
  created_at: string
}

export const auditColumns = [
  'id',
  'actor_id',
  'actor_kind',
  'action',
  'target_type',
  'target_id',
  'group_id',
  'chat_id',
  'details',
  'created_at'
]

/** Writes one audit row with `db`, which should be the transaction of the action. */
export const recordAudit = async (db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> => {
  await db('audit_log').insert({
    actor_id: entry.actor_id,
    actor_kind: entry.actor_kind,
    action: entry.action,
    target_type: entry.target_type,
    target_id: entry.target_id ?? null,
    group_id: entry.group_id ?? null,
    chat_id: entry.chat_id ?? null,
    details: JSON.stringify(entry.details ?? {})
  })
}

/** Who acts in a service call: the authenticated user, else (an internal call, the admin CLI) the CLI. */
export const auditActor = (params?: Params): Pick<AuditEntry, 'actor_id' | 'actor_kind'> =>
  params?.user?.user_id
    ? { actor_id: params.user.user_id, actor_kind: 'user' }
    : { actor_id: null, actor_kind: 'cli' }

export interface AuditFilter {
  actor?: string
  action?: string
  target?: string
  group?: string
  since?: string
  limit?: number
}

/** Audit rows, newest first, filtered (`action` matches a prefix when it ends with `.` or `*`). */
export const listAudit = (db: Knex, filter: AuditFilter): Promise<AuditRow[]> =>
  db('audit_log')
    .modify((q) => {
      if (filter.actor === 'cli') q.where('actor_kind', 'cli')
      else if (filter.actor) q.where('actor_id', filter.actor)
      if (filter.action) {
        const prefix = filter.action.endsWith('*') ? filter.action.slice(0, -1) : undefined
        if (prefix !== undefined) q.whereLike('action', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
        else q.where('action', filter.action)
      }
      if (filter.target) q.where('target_id', filter.target)
      if (filter.group) q.where('group_id', filter.group)
      if (filter.since) q.where('created_at', '>=', filter.since)
    })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' }
    ])
    .limit(filter.limit ?? 50)
    .select(auditColumns)

// Report queries, shared by the report services and the admin CLI. A report is shown with its reporter and
// the message as the chat's members see it (a deleted message is its tombstone), both read for a whole page
// in one query each.
import type { Knex } from 'knex'
import { isUniqueViolation } from '../../../errors'
import { newId } from '../../../ids'
import { recordAudit, type AuditEntry } from '../../../audit/audit-log'
import { messageColumns, type Message } from '../../messages/messages.schema'
import type { Report } from './reports.schema'

const reportColumns = [
  'report_id',
  'message_id',
  'chat_id',
  'group_id',
  'reporter_id',
  'reason',
  'status',
  'resolution',
  'resolved_by',
  'resolved_at',
  'created_at'
]

type ReportRow = Omit<Report, 'reporter' | 'message'>

/** Rows with their reporter and message. */
export const viewReports = async (db: Knex, rows: ReportRow[]): Promise<Report[]> => {
  if (rows.length === 0) return []
  const [users, messages] = await Promise.all([
    db('users')
      .whereIn('user_id', [...new Set(rows.map((r) => r.reporter_id))])
      .select('user_id', 'name', 'avatar_url'),
    db('messages')
      .whereIn('message_id', [...new Set(rows.map((r) => r.message_id))])
      .select(messageColumns) as Promise<Message[]>
  ])
  const userById = new Map(users.map((u: any) => [u.user_id, u]))
  const messageById = new Map(messages.map((m) => [m.message_id, m]))
  return rows.map((row) => ({
    ...row,
    reporter: userById.get(row.reporter_id) ?? { user_id: row.reporter_id, name: '', avatar_url: null },
    message: messageById.get(row.message_id) ?? null
  }))
}

export const getReport = async (db: Knex, reportId: string): Promise<Report | undefined> => {
  const row = await db('message_reports').where({ report_id: reportId }).first(reportColumns)
  return row ? (await viewReports(db, [row]))[0] : undefined
}

export interface ReportFilter {
  status?: 'open' | 'resolved'
  groupId?: string
  limit: number
  skip: number
}

/** Newest first; `groupId` undefined means every report (the admin CLI). */
export const listReports = async (db: Knex, filter: ReportFilter) => {
  const rows = await db('message_reports')
    .modify((q) => {
      if (filter.groupId) q.where('group_id', filter.groupId)
      if (filter.status) q.where('status', filter.status)
    })
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .offset(filter.skip)
    .select(reportColumns)
  return viewReports(db, rows)
}

/**
 * A report by `reporterId` on the message; while their earlier report on it is still open, that one is
 * answered instead (`created: false`).
 */
export const createReport = async (
  db: Knex,
  message: { message_id: string; chat_id: string },
  reporterId: string,
  reason: string
): Promise<{ report: Report; created: boolean }> => {
  const open = () =>
    db('message_reports')
      .where({ message_id: message.message_id, reporter_id: reporterId, status: 'open' })
      .first(reportColumns)
  const existing = await open()
  if (existing) return { report: (await viewReports(db, [existing]))[0], created: false }
  const group = await db('groups').where({ chat_id: message.chat_id }).first('group_id')
  try {
    const [row] = await db('message_reports')
      .insert({
        report_id: newId(),
        message_id: message.message_id,
        chat_id: message.chat_id,
        group_id: group?.group_id ?? null,
        reporter_id: reporterId,
        reason
      })
      .returning(reportColumns)
    return { report: (await viewReports(db, [row]))[0], created: true }
  } catch (error) {
    // The same reporter, twice at once: the unique index on open reports lets one in.
    if (!isUniqueViolation(error)) throw error
    return { report: (await viewReports(db, [await open()]))[0], created: false }
  }
}

/**
 * Resolves an open report, with its audit row in the same transaction. `groupId` limits it to one group's
 * reports (the REST route); undefined for the admin CLI. Undefined when there is no such report; a resolved
 * one is answered as it is (`changed: false`).
 */
export const resolveReport = (
  db: Knex,
  reportId: string,
  groupId: string | undefined,
  actor: Pick<AuditEntry, 'actor_id' | 'actor_kind'>,
  resolution: string | null
) =>
  db.transaction(async (trx) => {
    const current = await trx('message_reports')
      .where({ report_id: reportId })
      .modify((q) => {
        if (groupId) q.where('group_id', groupId)
      })
      .forUpdate()
      .first(reportColumns)
    if (!current) return undefined
    if (current.status === 'resolved')
      return { report: (await viewReports(trx, [current]))[0], changed: false }
    const [row] = await trx('message_reports')
      .where({ report_id: reportId })
      .update({
        status: 'resolved',
        resolution,
        resolved_by: actor.actor_id,
        resolved_at: trx.fn.now()
      })
      .returning(reportColumns)
    await recordAudit(trx, {
      ...actor,
      action: 'report.resolved',
      target_type: 'report',
      target_id: reportId,
      group_id: row.group_id,
      chat_id: row.chat_id,
      details: { message_id: row.message_id, reporter_id: row.reporter_id, resolution }
    })
    return { report: (await viewReports(trx, [row]))[0], changed: true }
  })

/** The owners and admins of a group: who hears about its reports. */
export const moderatorIdsOf = async (db: Knex, groupId: string): Promise<string[]> =>
  (await db('group_members')
    .where({ group_id: groupId })
    .whereIn('role', ['owner', 'admin'])
    .pluck('user_id')) as string[]

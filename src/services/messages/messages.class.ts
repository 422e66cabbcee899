// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// The canonical messages service: every message event comes from here (`api/messages`), whether the
// request arrived at `api/chats/:chat_id/messages` or `api/messages/:message_id`, over REST or a socket.
import { auditActor, recordAudit } from '../../audit/audit-log'
import { BadRequest } from '@feathersjs/errors'
import { messageNotFound } from '../../errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { newId } from '../../ids'
import type { Application } from '../../declarations'
import { withFiles } from './message-store'
import { MessageWriter } from './message-writer'
import { EditInPlace } from '../edit-in-place'
import { messagesCommitted } from '../../caches'
// Reactions, pins, edit history (SPEC §11, §13)
import { withMyReactions } from './reactions/reaction-store'
import { deleteMessage, editMessage } from './edits/edit-store'
import {
  messageColumns,
  type Message,
  type MessageData,
  type MessagePage,
  type MessagePatch,
  type MessageQuery
} from './messages.schema'

export type { Message, MessageData, MessagePage, MessagePatch, MessageQuery }

// History pages are the hottest reads (a reconnecting client pages every chat with `after_seq`), so their SQL
// is written once per shape instead of through knex's query builder, which quoted the 21 columns again on
// every page (6 µs of 8 per page in isolation; knex was 7 % of the reconnect survivor's CPU, half of it compiling).
const COLUMN_LIST = messageColumns.map((c) => `"${c}"`).join(', ')
const LAST_SEQ_SQL = 'SELECT last_seq FROM chats WHERE chat_id = ?'
const SEQ_OF_SQL = 'SELECT seq FROM messages WHERE chat_id = ? AND message_id = ? LIMIT 1'
const pageSqls = new Map<string, string>()

/** One page of a chat by (chat_id, seq): bindings chat_id, [before seq], [after seq], limit. */
const historyPageSql = (page: { before?: boolean; after?: boolean; topLevel?: boolean }) => {
  const key = `${page.before ? 'b' : ''}${page.after ? 'a' : ''}${page.topLevel ? 't' : ''}`
  let sql = pageSqls.get(key)
  if (!sql) {
    sql =
      `SELECT ${COLUMN_LIST} FROM messages WHERE chat_id = ?` +
      (page.before ? ' AND seq < ?' : '') +
      (page.after ? ' AND seq > ?' : '') +
      (page.topLevel ? ' AND thread_root_id IS NULL' : '') +
      ` ORDER BY seq ${page.after ? 'ASC' : 'DESC'} LIMIT ?`
    pageSqls.set(key, sql)
  }
  return sql
}

export interface MessageParams extends Params<MessageQuery> {
  /** True on the result of a create that matched an earlier `client_id`: nothing new was stored. */
  duplicate?: boolean
}

export class MessageService extends EditInPlace<Message, MessagePatch> {
  readonly writer: MessageWriter

  constructor(private readonly app: Application) {
    super()
    // Caches are kept once per committed batch, before any of its senders is answered.
    this.writer = new MessageWriter(
      () => this.db,
      (messages, roots) => this.committed(messages, roots)
    )
  }

  /**
   * A committed batch: caches first (the roots whose thread summary changed too), then each such root is
   * announced once per batch as `patched`, to the chat's members (channels.ts), however many replies it got.
   */
  private async committed(messages: Message[], updatedRoots: Message[]) {
    const roots = updatedRoots.length ? await withFiles(this.db, updatedRoots) : updatedRoots
    await messagesCommitted(this.app, messages, roots)
    // Outgoing webhooks (SPEC §15): the batch statement queued their deliveries; wake this instance's worker.
    const dispatcher = this.app.get('webhookDispatcher')
    if (dispatcher) for (const m of messages) dispatcher.maybeWake(m.chat_id)
    for (const root of roots) this.app.service('api/messages').emit('patched', root)
  }

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private select(db: Knex = this.db) {
    return db('messages').select(messageColumns)
  }

  private async withFile(message: Message): Promise<Message> {
    return (await withFiles(this.db, [message]))[0]
  }

  private chatIdOf(params?: Params): string {
    const chatId = params?.route?.chat_id
    if (!chatId) throw new BadRequest('chat_id is required')
    return String(chatId)
  }

  /** Resolves a cursor message id to its seq within the chat (400 if it is not a message of that chat). */
  private async seqOf(chatId: string, messageId: string, field: string): Promise<number> {
    const row = (await this.db.raw(SEQ_OF_SQL, [chatId, messageId])).rows[0]
    if (!row) throw new BadRequest(`${field} must be a message of this chat`)
    return row.seq
  }

  /**
   * History of one chat by keyset pagination on (chat_id, seq): newest first by default and with `before`;
   * oldest first with `after` / `after_seq`, which is how a client catches up after a reconnect.
   */
  async find(params?: MessageParams): Promise<MessagePage> {
    const chatId = this.chatIdOf(params)
    const query = params?.query ?? {}
    const limit = Math.min(query.limit ?? query.$limit ?? 50, 100)
    let beforeSeq = query.before_seq
    let afterSeq = query.after_seq
    if (query.before) beforeSeq = await this.seqOf(chatId, query.before, 'before')
    if (query.after) afterSeq = await this.seqOf(chatId, query.after, 'after')
    const order = afterSeq !== undefined ? 'asc' : 'desc'
    // `thread=none`: the top-level timeline; the recent-messages cache holds every message, so not from there.
    const topLevel = query.thread === 'none'
    if (beforeSeq === undefined && afterSeq === undefined && !topLevel)
      return this.newestPage(chatId, limit, params)

    const page = { before: beforeSeq !== undefined, after: afterSeq !== undefined, topLevel }
    const bindings: (string | number)[] = [chatId]
    if (beforeSeq !== undefined) bindings.push(beforeSeq)
    if (afterSeq !== undefined) bindings.push(afterSeq)
    const rows: Message[] = (await this.db.raw(historyPageSql(page), [...bindings, limit + 1])).rows
    const data = await this.mine(await withFiles(this.db, rows.slice(0, limit)), params)
    return { data, limit, has_more: rows.length > limit, order }
  }

  /**
   * Messages as the caller sees them, for the services that read pages of messages elsewhere (threads,
   * mentions, both searches): attachments, and `me` on each reaction.
   */
  async view<M extends Message>(messages: M[], params?: Params): Promise<M[]> {
    return this.mine(await withFiles(this.db, messages), params)
  }

  /** `me` on each reaction for the caller: one query per page, none when nothing on it has reactions. */
  private mine<M extends Message>(messages: M[], params?: Params): Promise<M[]> {
    return withMyReactions(this.db, params?.user?.user_id, messages)
  }

  /**
   * The newest page, from `message_queue:{chat_id}` when it is complete up to the chat's committed `last_seq`
   * (seqs have no gaps, so `last_seq` is also the number of messages), else from PostgreSQL, refilling it.
   */
  private async newestPage(chatId: string, limit: number, params?: Params): Promise<MessagePage> {
    const queue = this.app.get('recentMessages')
    if (queue.enabled) {
      const chat = (await this.db.raw(LAST_SEQ_SQL, [chatId])).rows[0]
      const lastSeq: number = chat?.last_seq ?? 0
      const cached = await queue.newest<Message>(chatId, lastSeq, limit)
      if (cached)
        return { data: await this.mine(cached, params), limit, has_more: lastSeq > limit, order: 'desc' }
    }
    const rows: Message[] = (await this.db.raw(historyPageSql({}), [chatId, limit + 1])).rows
    const data = await withFiles(this.db, rows.slice(0, limit))
    await queue.fill(chatId, data)
    return { data: await this.mine(data, params), limit, has_more: rows.length > limit, order: 'desc' }
  }

  async get(id: Id, params?: MessageParams): Promise<Message> {
    const message = await this.select().where('message_id', String(id)).first()
    if (!message) throw messageNotFound()
    this.app.get('webhookDispatcher')?.maybeWake(message.chat_id)
    return (await this.mine([await this.withFile(message)], params))[0]
  }

  /**
   * Stores a message with the chat's next `seq` (see MessageWriter: group commit, one row update per chat per
   * batch). The sender's read pointer moves to their own message in the same statement. A repeated
   * `client_id` answers with the original message and `params.duplicate` set.
   */
  async create(data: MessageData, params?: MessageParams): Promise<Message> {
    const chatId = this.chatIdOf(params)
    const sender = params?.user
    if (!sender) throw new BadRequest('A message needs a sender')
    const { message, duplicate } = await this.writer.write({
      message_id: newId(),
      chat_id: chatId,
      sender_id: sender.user_id,
      sender_name: sender.name,
      sender_avatar: sender.avatar_url ?? null,
      content: data.content,
      type: data.type ?? 'text',
      reply_to: data.reply_to ?? null,
      file_id: data.file_id ?? null,
      client_id: data.client_id ?? null,
      thread_root_id: data.thread_root_id ?? null,
      mentions: data.mentions ?? []
    })
    if (duplicate && params) params.duplicate = true
    if (!duplicate) this.app.get('metrics')?.messagesCreated.inc()
    return this.withFile(message)
  }

  protected readonly records = 'messages'

  /**
   * Edits the content (`edited_at` set), PATCH and PUT alike; a deleted message cannot be edited. The replaced
   * content goes to `message_edits` in the same transaction (edit-store.ts).
   */
  protected async edit(id: string, data: MessagePatch, params?: Params): Promise<Message> {
    const message = await editMessage(this.db, id, data.content, data.mentions)
    if (!message) throw messageNotFound()
    return (await this.mine([await this.withFile(message)], params))[0]
  }

  /**
   * Deletion is a tombstone: content cleared, `deleted_at` set, the seq stays so history has no gap. Its
   * reactions, pin and edit history go in the same transaction (edit-store.ts), and a reply stops counting in
   * its root's thread summary.
   */
  protected async erase(id: string, params?: Params): Promise<Message> {
    // Moderation (SPEC §15): a delete by anyone but the sender (a group owner or admin, the admin CLI) is
    // audited, in the deletion's transaction.
    const deleted = await deleteMessage(this.db, id, async (trx, message) => {
      if (params?.user?.user_id === message.sender_id) return
      const group = await trx('groups').where({ chat_id: message.chat_id }).first('group_id')
      await recordAudit(trx, {
        ...auditActor(params),
        action: 'message.deleted',
        target_type: 'message',
        target_id: message.message_id,
        group_id: group?.group_id ?? null,
        chat_id: message.chat_id,
        details: { sender_id: message.sender_id }
      })
    })
    if (!deleted) throw messageNotFound()
    this.app.get('webhookDispatcher')?.maybeWake(deleted.message.chat_id)
    if (deleted.root) {
      // A deleted reply changes its root's summary: cached and announced as after new replies.
      const root = await this.withFile(deleted.root)
      await this.app.get('recentMessages').put(root)
      this.app.service('api/messages').emit('patched', root)
    }
    return this.withFile(deleted.message)
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html
// The canonical chats service (`api/chats`): my chat list and chat details for reads; private chats are
// created here (through `api/chats/private`), so chat events always come from this path.
import { BadRequest } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { newId } from '../../ids'
import { offsetPage } from '../../validators'
import type { Application } from '../../declarations'
import { chatNotFound, userNotFound } from '../../errors'
import { addParticipants } from './membership'
import { chatMembers, decorateChats } from './chat-views'
import { chatColumns, type Chat, type ChatPage, type ChatQuery, type PrivateChatData } from './chats.schema'

export type { Chat, ChatPage, ChatQuery, PrivateChatData }

export interface ChatParams extends Params<ChatQuery> {
  /** Set on a private-chat create that found the existing chat (nothing new: 200, no event). */
  existing?: boolean
}

export class ChatService {
  constructor(private readonly app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private viewerId(params?: Params): string {
    const userId = params?.user?.user_id
    if (!userId) throw new BadRequest('A chat view needs a user')
    return userId
  }

  /** My chats, most recent activity first; unread_count is last_seq - my read pointer (O(1) per chat). */
  async find(params?: ChatParams): Promise<ChatPage> {
    const userId = this.viewerId(params)
    // The plain first page (no query) is the one every client opens with: it is cached per user.
    const cacheable = Object.keys(params?.query ?? {}).length === 0
    const lists = this.app.get('chatLists')
    if (cacheable) {
      const cached = await lists.read<ChatPage>(userId)
      // An entry of the old page shape (`total`, no `has_more`), cached before an upgrade, is read again.
      if (typeof cached?.has_more === 'boolean') return cached
    }
    const page = await this.listChats(userId, params)
    if (cacheable) await lists.write(userId, page)
    return page
  }

  private async listChats(userId: string, params?: ChatParams): Promise<ChatPage> {
    const paginate = this.app.get('paginate')
    const limit = Math.min(params?.query?.$limit ?? paginate.default, paginate.max)
    const skip = params?.query?.$skip ?? 0
    // One row past the page says whether there is another; nothing counts the user's chats.
    const rows: Chat[] = await this.db('chat_participants as p')
      .join('chats as c', 'c.chat_id', 'p.chat_id')
      .where('p.user_id', userId)
      .modify((q) => {
        if (params?.query?.type) q.where('c.type', params.query.type)
      })
      .select([...chatColumns.map((c) => `c.${c}`), 'p.last_read_seq'])
      .select(this.db.raw('GREATEST(c.last_seq - p.last_read_seq, 0)::int AS unread_count'))
      .orderByRaw('COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC')
      .limit(limit + 1)
      .offset(skip)
    const page = offsetPage(rows, limit, skip)
    return { ...page, data: await decorateChats(this.db, page.data, userId) }
  }

  /** One chat with its members (membership is checked by the requireChatMember hook). */
  async get(id: Id, params?: ChatParams): Promise<Chat> {
    const userId = this.viewerId(params)
    const db = this.db
    const row = await db('chats as c')
      .leftJoin('chat_participants as p', function () {
        this.on('p.chat_id', '=', 'c.chat_id').andOn('p.user_id', '=', db.raw('?', [userId]))
      })
      .where('c.chat_id', String(id))
      .first([...chatColumns.map((c) => `c.${c}`), 'p.last_read_seq'])
    if (!row) throw chatNotFound()
    const [chat] = await decorateChats(
      this.db,
      [{ ...row, unread_count: Math.max(row.last_seq - (row.last_read_seq ?? 0), 0) }],
      userId
    )
    return { ...chat, members: await chatMembers(this.db, chat.chat_id) }
  }

  /**
   * The one private chat between the caller and `user_id`. The unique `private_key` makes concurrent calls
   * converge: the loser's INSERT … ON CONFLICT DO NOTHING returns nothing and it reads the winner's chat.
   */
  async create(data: PrivateChatData, params?: ChatParams): Promise<Chat> {
    const userId = this.viewerId(params)
    if (data.user_id === userId) throw new BadRequest('Invalid data: user_id must be another user')
    const other = await this.db('users').where({ user_id: data.user_id }).first('user_id')
    if (!other) throw userNotFound()
    const privateKey = [userId, data.user_id].sort().join(':')

    const created = await this.db.transaction(async (trx) => {
      const [chat] = await trx('chats')
        .insert({ chat_id: newId(), type: 'private', private_key: privateKey, created_by: userId })
        .onConflict('private_key')
        .ignore()
        .returning('chat_id')
      if (chat) await addParticipants(trx, chat.chat_id, [userId, data.user_id])
      return chat?.chat_id as string | undefined
    })
    const chatId =
      created ?? (await this.db('chats').where({ private_key: privateKey }).first('chat_id')).chat_id
    if (!created && params) params.existing = true
    return this.get(chatId, params)
  }
}

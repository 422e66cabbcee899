// The client's state and everything that changes it: the session, the socket, the chat list, the open
// chats' messages (deduplicated by id, ordered by seq), presence, typing, receipts, threads. Components
// render from `store` and re-render on every change (`subscribe`).
import * as api from './api'
import type { Connection, Session } from './api'
import type { Chat, Message, ReadReceipt, TypingEvent, UserStatus, User } from '../../src/client'

export type ConnectionState = 'connected' | 'reconnecting' | 'offline'

type Member = NonNullable<Chat['members']>[number]

export interface ChatView {
  messages: Map<string, Message> // top-level messages and thread replies, by id
  loaded: boolean
  loadingOlder: boolean
  hasOlder: boolean
  maxSeq: number // the highest seq applied (thread replies included): the catch-up cursor
  members: Member[]
  typing: Map<string, number> // user_id → when it started
}

export interface ThreadView {
  chatId: string
  rootId: string
  loading: boolean
}

export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢']

const PAGE = 50

const bySeq = (a: Message, b: Message) => a.seq - b.seq

class Store {
  session: Session | null = api.loadSession()
  connection: Connection | null = null
  connectionState: ConnectionState = 'connected'
  everConnected = false
  chats = new Map<string, Chat>()
  chatsLoaded = false
  views = new Map<string, ChatView>()
  openChatId: string | null = null
  thread: ThreadView | null = null
  statuses = new Map<string, string>()
  names = new Map<string, string>()
  error: string | null = null
  private listeners = new Set<() => void>()
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private markReadTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private authenticating: Promise<void> | null = null

  subscribe(listener: () => void) {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  changed() {
    for (const listener of this.listeners) listener()
  }

  get me(): User | null {
    return this.session?.user ?? null
  }

  get client() {
    if (!this.connection) throw new Error('Not connected')
    return this.connection.client
  }

  // ---- session -------------------------------------------------------------------------------------

  async signUp(name: string, email: string, password: string) {
    await api.register({ name, email, password })
    await this.signIn(email, password)
  }

  async signIn(email: string, password: string) {
    const pair = await api.login({ email, password })
    this.session = { access_token: pair.access_token, refresh_token: pair.refresh_token, user: pair.user }
    api.saveSession(this.session)
    await this.start()
  }

  async signOut() {
    const session = this.session
    this.stop()
    this.session = null
    api.saveSession(null)
    this.changed()
    if (session) await api.logout(session).catch(() => undefined)
  }

  /** Connects and authenticates the socket with the stored session, then loads the chat list. */
  async start() {
    if (!this.session) return
    if (this.connection) this.stop()
    const connection = api.connect()
    this.connection = connection
    this.everConnected = false
    this.connectionState = 'reconnecting'
    this.listen(connection)
    this.changed()
    this.starting = true
    try {
      await this.authenticate()
      await this.loadChats()
    } catch (error: any) {
      if (this.connection === connection && error?.code === 401) {
        this.stop()
        this.session = null
        api.saveSession(null)
        this.error = 'Your session has ended: sign in again'
        this.changed()
      }
      throw error
    } finally {
      if (this.connection === connection) this.starting = false
    }
  }

  private starting = false

  stop() {
    clearTimeout(this.refreshTimer)
    for (const timer of this.markReadTimers.values()) clearTimeout(timer)
    this.markReadTimers.clear()
    const connection = this.connection
    this.connection = null
    connection?.socket.removeAllListeners()
    connection?.socket.io.removeAllListeners()
    connection?.socket.disconnect()
    this.chats.clear()
    this.views.clear()
    this.chatsLoaded = false
    this.openChatId = null
    this.thread = null
    this.statuses.clear()
  }

  /** Authenticates the socket, refreshing the token pair first when the access token is (nearly) spent. */
  authenticate(): Promise<void> {
    this.authenticating ??= this.doAuthenticate().finally(() => {
      this.authenticating = null
    })
    return this.authenticating
  }

  private async doAuthenticate() {
    if (!this.session || !this.connection) return
    if (api.secondsLeft(this.session.access_token) < 30) await this.refreshTokens()
    try {
      await this.client.authenticate({ strategy: 'jwt', accessToken: this.session!.access_token })
    } catch (error: any) {
      if (error?.code !== 401) throw error
      await this.refreshTokens()
      await this.client.authenticate({ strategy: 'jwt', accessToken: this.session!.access_token })
    }
    this.scheduleRefresh()
  }

  private async refreshTokens() {
    if (!this.session) throw new api.ApiError('Not signed in', 401)
    // Another tab of the same account may have refreshed already (the old refresh token is then dead).
    const stored = api.loadSession()
    if (
      stored &&
      stored.user.user_id === this.session.user.user_id &&
      stored.refresh_token !== this.session.refresh_token &&
      api.secondsLeft(stored.access_token) >= 30
    ) {
      this.session = stored
      return
    }
    const pair = await api.refresh(this.session.refresh_token)
    this.session = {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      user: pair.user ?? this.session.user
    }
    api.saveSession(this.session)
  }

  /** Refreshes a minute before the access token expires and re-authenticates the live socket with it. */
  private scheduleRefresh() {
    clearTimeout(this.refreshTimer)
    if (!this.session) return
    const seconds = Math.max(5, api.secondsLeft(this.session.access_token) - 60)
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTokens()
          .then(() => this.authenticate())
          .catch(() => undefined)
      },
      Math.min(seconds * 1000, 2 ** 31 - 1)
    )
  }

  // ---- connection and events --------------------------------------------------------------------------

  private setConnectionState(state: ConnectionState) {
    if (this.connectionState === state) return
    this.connectionState = state
    this.changed()
  }

  private listen({ client, socket }: Connection) {
    const offlineOrReconnecting = () => (navigator.onLine === false ? 'offline' : 'reconnecting')
    // The first connect while start() authenticates needs nothing more; any other (a reconnect, or a first
    // connect after start() gave up waiting) authenticates again and catches up.
    socket.on('connect', () => {
      const reconnect = this.everConnected || !this.starting
      this.everConnected = true
      if (reconnect) void this.catchUp()
      else this.setConnectionState('connected')
    })
    socket.on('disconnect', (reason) => {
      this.setConnectionState(offlineOrReconnecting())
      // A server that shuts down (a deploy, a restart) disconnects its sockets itself, and Socket.IO does
      // not reconnect after an 'io server disconnect': reconnect by hand (a ban then fails authentication).
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500)
    })
    socket.on('connect_error', () => this.setConnectionState(offlineOrReconnecting()))
    window.addEventListener('offline', () => {
      if (this.connection?.socket !== socket) return
      this.setConnectionState('offline')
    })
    window.addEventListener('online', () => {
      if (this.connection?.socket !== socket) return
      if (!socket.connected) {
        this.setConnectionState('reconnecting')
        socket.connect()
      }
    })

    client.service('api/messages').on('created', (message: Message) => this.applyMessage(message, true))
    client.service('api/messages').on('patched', (message: Message) => this.updateMessage(message))
    client.service('api/messages').on('removed', (message: Message) => this.updateMessage(message))
    client.service('api/users/status').on('user_status', (status: UserStatus) => {
      this.statuses.set(status.user_id, status.status)
      this.changed()
    })
    const typing = client.service('api/chats/:chat_id/typing')
    typing.on('typing_start', (event: TypingEvent) => this.setTyping(event, true))
    typing.on('typing_stop', (event: TypingEvent) => this.setTyping(event, false))
    client
      .service('api/chats/:chat_id/mark-read')
      .on('read', (receipt: ReadReceipt) => this.applyRead(receipt))
    client.service('api/chats').on('created', (chat: Chat) => this.addChat(chat))
    const groups = client.service('api/groups') as any
    groups.on('created', (group: any) => void this.fetchChat(group.chat_id))
    groups.on('patched', (group: any) => {
      const chat = this.chats.get(group.chat_id)
      if (!chat) return
      chat.name = group.name
      if (chat.group) chat.group = { ...chat.group, name: group.name }
      this.changed()
    })
    groups.on('removed', (group: any) => this.dropChat(group.chat_id))
    const members = client.service('api/groups/:group_id/members') as any
    members.on('created', (member: any) => {
      if (member.user_id === this.me?.user_id) void this.fetchChat(member.chat_id)
      else void this.refreshMembers(member.chat_id)
    })
    members.on('removed', (member: any) => {
      if (member.user_id === this.me?.user_id) this.dropChat(member.chat_id)
      else void this.refreshMembers(member.chat_id)
    })
    const reactions = client.service('api/messages/:message_id/reactions') as any
    reactions.on('created', (event: any) => this.applyReaction(event, true))
    reactions.on('removed', (event: any) => this.applyReaction(event, false))
    const pins = client.service('api/chats/:chat_id/pins') as any
    pins.on('created', (pin: any) => this.applyPin(pin))
    pins.on('removed', (pin: any) => this.applyPin({ ...pin, pinned_at: null, pinned_by: null }))
  }

  /**
   * After a reconnect: authenticate again (the server rejoins this connection's channels), then fetch what
   * every loaded chat missed with `after_seq`, page by page, and the chat list's fresh counts.
   */
  private async catchUp() {
    const connection = this.connection
    this.setConnectionState('reconnecting')
    try {
      await this.authenticate()
      for (const [chatId, view] of this.views) {
        view.typing.clear() // a typing_stop may have been missed while away
        if (!view.loaded) continue
        for (;;) {
          const page = await this.client
            .service('api/chats/:chat_id/messages')
            .find({ route: { chat_id: chatId }, query: { after_seq: view.maxSeq, limit: 100 } })
          for (const message of page.data) this.applyMessage(message, false)
          if (!page.has_more || page.data.length === 0) break
        }
        void this.refreshMembers(chatId)
      }
      await this.loadChats()
      if (this.openChatId) this.scheduleMarkRead(this.openChatId)
      if (this.connection === connection) this.setConnectionState('connected')
    } catch (error: any) {
      if (this.connection !== connection) return
      if (error?.code === 401) {
        // The session is over (signed out elsewhere, refresh token spent): back to the sign-in screen.
        this.stop()
        this.session = null
        api.saveSession(null)
        this.error = 'Your session has ended: sign in again'
        this.changed()
      } else if (connection?.socket.connected) setTimeout(() => void this.catchUp(), 2000)
    }
  }

  // ---- chats ------------------------------------------------------------------------------------------

  async loadChats() {
    const fresh = new Map<string, Chat>()
    let skip = 0
    for (let pages = 0; pages < 10; pages++) {
      const page: any = await this.client.service('api/chats').find({ query: { $limit: 100, $skip: skip } })
      for (const chat of page.data as Chat[]) fresh.set(chat.chat_id, chat)
      skip += page.data.length
      const more = page.has_more ?? (typeof page.total === 'number' ? skip < page.total : false)
      if (!more || page.data.length === 0) break
    }
    this.chats = fresh
    for (const chat of fresh.values()) this.rememberUsers(chat)
    this.chatsLoaded = true
    this.changed()
  }

  private rememberUsers(chat: Chat) {
    if (chat.other_user) {
      this.names.set(chat.other_user.user_id, chat.other_user.name)
      if (!this.statuses.has(chat.other_user.user_id)) {
        this.statuses.set(chat.other_user.user_id, chat.other_user.status)
      }
    }
    for (const member of chat.members ?? []) {
      this.names.set(member.user_id, member.name)
      this.statuses.set(member.user_id, member.status)
    }
  }

  addChat(chat: Chat) {
    const known = this.chats.get(chat.chat_id)
    this.chats.set(chat.chat_id, { ...known, ...chat })
    this.rememberUsers(chat)
    this.changed()
  }

  async fetchChat(chatId: string) {
    const chat = await this.client.service('api/chats').get(chatId)
    this.addChat(chat)
    return chat
  }

  private dropChat(chatId: string) {
    this.chats.delete(chatId)
    this.views.delete(chatId)
    if (this.openChatId === chatId) this.openChatId = null
    if (this.thread?.chatId === chatId) this.thread = null
    this.changed()
  }

  async refreshMembers(chatId: string) {
    const view = this.views.get(chatId)
    if (!view) return
    const chat = await this.client.service('api/chats').get(chatId)
    view.members = chat.members ?? []
    this.addChat({ ...chat, members: undefined } as Chat)
  }

  title(chat: Chat) {
    if (chat.type === 'private') return chat.other_user?.name ?? 'Deleted user'
    return chat.group?.name ?? chat.name ?? 'Group'
  }

  sortedChats() {
    const time = (chat: Chat) => chat.last_message?.created_at ?? chat.last_message_at ?? chat.created_at
    return [...this.chats.values()].sort((a, b) => (time(a) < time(b) ? 1 : time(a) > time(b) ? -1 : 0))
  }

  view(chatId: string): ChatView {
    let view = this.views.get(chatId)
    if (!view) {
      view = {
        messages: new Map(),
        loaded: false,
        loadingOlder: false,
        hasOlder: true,
        maxSeq: 0,
        members: [],
        typing: new Map()
      }
      this.views.set(chatId, view)
    }
    return view
  }

  async openChat(chatId: string | null) {
    this.openChatId = chatId
    if (this.thread && this.thread.chatId !== chatId) this.thread = null
    this.changed()
    if (!chatId) return
    const view = this.view(chatId)
    if (!view.loaded) {
      const [chat, page] = await Promise.all([
        this.client.service('api/chats').get(chatId),
        this.client
          .service('api/chats/:chat_id/messages')
          .find({ route: { chat_id: chatId }, query: { limit: PAGE, thread: 'none' } })
      ])
      view.members = chat.members ?? []
      this.addChat({ ...chat, members: undefined } as Chat)
      for (const member of view.members) {
        this.names.set(member.user_id, member.name)
        this.statuses.set(member.user_id, member.status)
      }
      for (const message of page.data) this.insert(view, message)
      view.hasOlder = page.has_more
      view.maxSeq = Math.max(view.maxSeq, chat.last_seq)
      view.loaded = true
      this.changed()
    }
    this.scheduleMarkRead(chatId, 0)
  }

  /** The message a search hit pointed at: shown (scrolled to) once its chat is open. */
  highlightId: string | null = null

  /** Opens the chat of a message and brings the message into view (loading older pages for it, or its thread). */
  async showMessage(chatId: string, messageId: string, threadRootId?: string | null) {
    await this.openChat(chatId)
    if (threadRootId) {
      await this.openThread(chatId, threadRootId)
    } else {
      const view = this.view(chatId)
      for (let pages = 0; pages < 20 && !view.messages.has(messageId) && view.hasOlder; pages++) {
        await this.loadOlder(chatId)
      }
    }
    this.highlightId = messageId
    this.changed()
  }

  /** Loads the page before the oldest loaded top-level message. */
  async loadOlder(chatId: string) {
    const view = this.view(chatId)
    if (!view.loaded || view.loadingOlder || !view.hasOlder) return
    const oldest = this.topLevel(chatId)[0]
    if (!oldest) {
      view.hasOlder = false
      return
    }
    view.loadingOlder = true
    this.changed()
    try {
      const page = await this.client.service('api/chats/:chat_id/messages').find({
        route: { chat_id: chatId },
        query: { before: oldest.message_id, limit: PAGE, thread: 'none' }
      })
      for (const message of page.data) this.insert(view, message)
      view.hasOlder = page.has_more
    } finally {
      view.loadingOlder = false
      this.changed()
    }
  }

  topLevel(chatId: string): Message[] {
    const view = this.views.get(chatId)
    if (!view) return []
    return [...view.messages.values()].filter((m) => !m.thread_root_id).sort(bySeq)
  }

  threadReplies(rootId: string, chatId: string): Message[] {
    const view = this.views.get(chatId)
    if (!view) return []
    return [...view.messages.values()].filter((m) => m.thread_root_id === rootId).sort(bySeq)
  }

  findMessage(chatId: string, messageId: string) {
    return this.views.get(chatId)?.messages.get(messageId)
  }

  private insert(view: ChatView, message: Message) {
    const known = view.messages.get(message.message_id)
    // A newer state (edit, delete) is never replaced by an older copy of the same message.
    if (known && (known.deleted_at || (known.edited_at ?? '') > (message.edited_at ?? ''))) return false
    view.messages.set(message.message_id, known ? { ...known, ...message } : message)
    if (message.seq > view.maxSeq) view.maxSeq = message.seq
    return !known
  }

  /** A new message (event or catch-up): into its chat's view, once, and into the chat list's counters. */
  applyMessage(message: Message, live: boolean) {
    const chat = this.chats.get(message.chat_id)
    if (!chat) {
      void this.fetchChat(message.chat_id).catch(() => undefined)
      return
    }
    const view = this.views.get(message.chat_id)
    const isNew = view ? this.insert(view, message) : true
    if (view) view.typing.delete(message.sender_id)
    if (message.seq > chat.last_seq || !chat.last_message) {
      chat.last_seq = Math.max(chat.last_seq, message.seq)
      chat.last_message = message
      chat.last_message_at = message.created_at
    }
    const mine = message.sender_id === this.me?.user_id
    if (mine) {
      chat.last_read_seq = Math.max(chat.last_read_seq ?? 0, message.seq)
      chat.unread_count = 0
    } else if (live && isNew) {
      if (this.isReading(message.chat_id)) this.scheduleMarkRead(message.chat_id)
      else {
        chat.unread_count = (chat.unread_count ?? 0) + 1
        const me = this.me?.user_id ?? ''
        if (message.mentions.includes(me) || (chat.type === 'group' && message.mentions.includes('all'))) {
          chat.mention_count = (chat.mention_count ?? 0) + 1
        }
      }
    }
    this.changed()
  }

  updateMessage(message: Message) {
    const view = this.views.get(message.chat_id)
    if (view && view.messages.has(message.message_id)) {
      view.messages.set(message.message_id, { ...view.messages.get(message.message_id)!, ...message })
    }
    const chat = this.chats.get(message.chat_id)
    if (chat?.last_message?.message_id === message.message_id) chat.last_message = message
    if (message.deleted_at) this.pinsVersion++ // a deleted message leaves the pins
    this.changed()
  }

  private isReading(chatId: string) {
    return this.openChatId === chatId && document.visibilityState === 'visible'
  }

  scheduleMarkRead(chatId: string, delay = 300) {
    clearTimeout(this.markReadTimers.get(chatId))
    this.markReadTimers.set(
      chatId,
      setTimeout(() => {
        this.markReadTimers.delete(chatId)
        const chat = this.chats.get(chatId)
        if (!chat || !this.connection || !this.isReading(chatId)) return
        if ((chat.last_read_seq ?? 0) >= chat.last_seq && !chat.unread_count) return
        this.client
          .service('api/chats/:chat_id/mark-read')
          .update(null, {}, { route: { chat_id: chatId } })
          .then((receipt) => this.applyRead(receipt))
          .catch(() => undefined)
      }, delay)
    )
  }

  applyRead(receipt: ReadReceipt) {
    const view = this.views.get(receipt.chat_id)
    const member = view?.members.find((m) => m.user_id === receipt.user_id)
    if (member) member.last_read_seq = Math.max(member.last_read_seq, receipt.last_read_seq)
    const chat = this.chats.get(receipt.chat_id)
    if (chat && receipt.user_id === this.me?.user_id) {
      chat.last_read_seq = Math.max(chat.last_read_seq ?? 0, receipt.last_read_seq)
      chat.unread_count = Math.max(0, chat.last_seq - chat.last_read_seq)
      if (chat.unread_count === 0) chat.mention_count = 0
    }
    this.changed()
  }

  private setTyping(event: TypingEvent, typing: boolean) {
    if (event.user_id === this.me?.user_id) return
    const view = this.view(event.chat_id)
    if (typing) view.typing.set(event.user_id, Date.now())
    else view.typing.delete(event.user_id)
    this.changed()
  }

  typingNames(chatId: string) {
    const view = this.views.get(chatId)
    if (!view) return []
    return [...view.typing.keys()].map((id) => this.names.get(id) ?? 'Someone')
  }

  private applyReaction(event: any, added: boolean) {
    const message = this.findMessage(event.chat_id, event.message_id)
    if (!message) return
    const reactions = message.reactions.map((r) => ({ ...r }))
    let entry = reactions.find((r) => r.emoji === event.emoji)
    if (!entry) {
      entry = { emoji: event.emoji, count: 0, me: false }
      reactions.push(entry)
    }
    entry.count = event.count
    if (event.user_id === this.me?.user_id) entry.me = added
    this.views.get(event.chat_id)!.messages.set(message.message_id, {
      ...message,
      reactions: reactions.filter((r) => r.count > 0)
    })
    this.changed()
  }

  private applyPin(pin: any) {
    const message = this.findMessage(pin.chat_id, pin.message_id)
    if (message) {
      this.views.get(pin.chat_id)!.messages.set(message.message_id, {
        ...message,
        pinned_at: pin.pinned_at,
        pinned_by: pin.pinned_by
      })
    }
    this.pinsVersion++
    this.changed()
  }

  pinsVersion = 0

  // ---- actions ----------------------------------------------------------------------------------------

  async send(
    chatId: string,
    data: { content: string; reply_to?: string; thread_root_id?: string; mentions?: string[]; file?: File }
  ) {
    const body: any = { content: data.content, client_id: crypto.randomUUID() }
    if (data.reply_to) body.reply_to = data.reply_to
    if (data.thread_root_id) body.thread_root_id = data.thread_root_id
    if (data.mentions?.length) body.mentions = data.mentions
    if (data.file) {
      const record = await api.upload(data.file, this.session!.access_token)
      body.file_id = record.file_id
      body.type = record.mime_type.startsWith('image/') ? 'image' : 'file'
    }
    const message = await this.client
      .service('api/chats/:chat_id/messages')
      .create(body, { route: { chat_id: chatId } })
    this.applyMessage(message, false)
    return message
  }

  async edit(messageId: string, content: string, mentions?: string[]) {
    const message = await this.client
      .service('api/messages')
      .patch(messageId, mentions ? { content, mentions } : { content })
    this.updateMessage(message)
  }

  async remove(messageId: string) {
    const message = await this.client.service('api/messages').remove(messageId)
    this.updateMessage(message)
  }

  async toggleReaction(message: Message, emoji: string) {
    const mine = message.reactions.find((r) => r.emoji === emoji)?.me
    const service = this.client.service('api/messages/:message_id/reactions')
    const route = { route: { message_id: message.message_id } }
    const event = mine ? await service.remove(emoji, route) : await service.create({ emoji }, route)
    this.applyReaction({ ...event, chat_id: message.chat_id, user_id: this.me?.user_id }, !mine)
  }

  async togglePin(message: Message) {
    const service = this.client.service('api/chats/:chat_id/pins')
    const route = { route: { chat_id: message.chat_id } }
    if (message.pinned_at) {
      await service.remove(message.message_id, route)
      this.applyPin({
        chat_id: message.chat_id,
        message_id: message.message_id,
        pinned_at: null,
        pinned_by: null
      })
    } else {
      const pin = await service.create({ message_id: message.message_id }, route)
      this.applyPin(pin)
    }
  }

  async pins(chatId: string) {
    const page = await this.client
      .service('api/chats/:chat_id/pins')
      .find({ route: { chat_id: chatId }, query: { limit: 100 } })
    return page.data
  }

  async openThread(chatId: string, rootId: string) {
    this.thread = { chatId, rootId, loading: true }
    this.changed()
    const view = this.view(chatId)
    let root = view.messages.get(rootId)
    if (!root) {
      root = await this.client.service('api/messages').get(rootId)
      this.insert(view, root)
    }
    let after = 0
    for (let pages = 0; pages < 20; pages++) {
      const page = await this.client
        .service('api/messages/:message_id/thread')
        .find({ route: { message_id: rootId }, query: { after_seq: after, limit: 100 } })
      for (const message of page.data) {
        this.insert(view, message)
        after = Math.max(after, message.seq)
      }
      if (!page.has_more || page.data.length === 0) break
    }
    if (this.thread?.rootId === rootId) this.thread = { ...this.thread, loading: false }
    this.changed()
  }

  closeThread() {
    this.thread = null
    this.changed()
  }

  typing(chatId: string, typing: boolean) {
    if (!this.connection) return
    this.client
      .service('api/chats/:chat_id/typing')
      .create({ typing }, { route: { chat_id: chatId } })
      .catch(() => undefined)
  }

  async searchPeople(q: string) {
    const page = await this.client.service('api/users/search').find({ query: { q, $limit: 20 } as any })
    return page.data.filter((user) => user.user_id !== this.me?.user_id)
  }

  /** The private chat with that user (created the first time); the caller opens it. */
  async privateChat(userId: string) {
    const chat = await this.client.service('api/chats/private').create({ user_id: userId })
    this.addChat(chat)
    return chat.chat_id
  }

  /** A new group with those members; returns its chat's id. */
  async createGroup(name: string, memberIds: string[]) {
    const group = await this.client.service('api/groups').create({ name, member_ids: memberIds })
    await this.fetchChat(group.chat_id)
    return group.chat_id
  }

  async searchMessages(q: string) {
    const page = await this.client.service('api/search/messages').find({ query: { q, limit: 30 } })
    return page.data
  }

  fileUrl(fileId: string) {
    return `/api/files/${encodeURIComponent(fileId)}/content?access_token=${encodeURIComponent(this.session?.access_token ?? '')}`
  }

  myRole(chatId: string) {
    return this.views.get(chatId)?.members.find((m) => m.user_id === this.me?.user_id)?.role
  }
}

export const store = new Store()

// One open chat: header (title, pins), the message log with infinite scroll upwards, typing, the composer,
// and the thread panel beside it.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { Message } from '../../src/client'
import { EMOJI, store } from './store'
import { Composer } from './Composer'

export function ChatPane({ chatId }: { chatId: string }) {
  const chat = store.chats.get(chatId)
  const view = store.view(chatId)
  const messages = store.topLevel(chatId)
  const [pinsOpen, setPinsOpen] = useState(false)
  const [replyTo, setReplyTo] = useState<Message | null>(null)
  const log = useRef<HTMLDivElement>(null)
  const stick = useRef(true) // at the bottom: new messages keep the view there
  const anchor = useRef<{ height: number; top: number } | null>(null)
  const first = messages[0]?.message_id
  const last = messages[messages.length - 1]?.message_id

  useLayoutEffect(() => {
    const el = log.current
    if (!el) return
    if (anchor.current) {
      // Older messages were put above: keep what was on screen where it was.
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height)
      anchor.current = null
    } else if (stick.current) el.scrollTop = el.scrollHeight
  }, [first, last, messages.length])

  const onScroll = () => {
    const el = log.current!
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
    if (el.scrollTop < 80 && view.hasOlder && !view.loadingOlder && view.loaded) loadOlder()
  }

  const loadOlder = () => {
    const el = log.current
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop }
    store.loadOlder(chatId).catch(() => (anchor.current = null))
  }

  // A search hit: scroll to its message and mark it for a moment.
  const highlight = store.highlightId
  useEffect(() => {
    if (!highlight) return
    const el = document.querySelector(`article[data-id="${CSS.escape(highlight)}"]`)
    if (!el) return
    store.highlightId = null
    stick.current = false
    el.scrollIntoView({ block: 'center' })
    el.classList.add('highlight')
    const timer = setTimeout(() => el.classList.remove('highlight'), 2000)
    return () => clearTimeout(timer)
  }, [highlight])

  // A short first page that does not fill the log cannot be scrolled: keep loading until it does.
  useEffect(() => {
    const el = log.current
    if (el && view.loaded && view.hasOlder && !view.loadingOlder && el.scrollHeight <= el.clientHeight)
      loadOlder()
  })

  if (!chat) return <p class="empty">This chat is gone.</p>
  const title = store.title(chat)
  const typingNames = store.typingNames(chatId)
  const receipts = receiptFor(chatId, messages)

  return (
    <div class={`chat ${store.thread ? 'with-thread' : ''}`}>
      <section class="conversation" aria-label={title}>
        <div class="chat-head">
          <button
            type="button"
            class="back"
            onClick={() => void store.openChat(null)}
            aria-label="Back to chats"
          >
            ←
          </button>
          <h2>{title}</h2>
          {chat.type === 'group' && (
            <span class="muted">{chat.group?.member_count ?? view.members.length} members</span>
          )}
          <button type="button" aria-expanded={pinsOpen} onClick={() => setPinsOpen(!pinsOpen)}>
            Pinned
          </button>
        </div>
        {pinsOpen && <Pins chatId={chatId} onClose={() => setPinsOpen(false)} />}
        <div class="log" role="log" aria-label="Messages" ref={log} onScroll={onScroll} tabIndex={0}>
          {view.hasOlder && view.loaded && (
            <button type="button" class="link load-older" disabled={view.loadingOlder} onClick={loadOlder}>
              {view.loadingOlder ? 'Loading…' : 'Load older messages'}
            </button>
          )}
          {!view.loaded && <p class="muted">Loading…</p>}
          {view.loaded && messages.length === 0 && <p class="muted">No messages yet. Say hello!</p>}
          {messages.map((message) => (
            <MessageItem
              key={message.message_id}
              message={message}
              onReply={() => setReplyTo(message)}
              receipt={receipts.get(message.message_id)}
            />
          ))}
        </div>
        <div role="status" aria-label="Typing" class="typing">
          {typingNames.length === 1
            ? `${typingNames[0]} is typing…`
            : typingNames.length > 1
              ? `${typingNames.join(', ')} are typing…`
              : ''}
        </div>
        <Composer
          chatId={chatId}
          label="Message"
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          onSent={() => {
            setReplyTo(null)
            stick.current = true
          }}
        />
      </section>
      {store.thread && store.thread.chatId === chatId && (
        <Thread chatId={chatId} rootId={store.thread.rootId} />
      )}
    </div>
  )
}

/** `Seen` (private) or `Seen by N` (group) under my latest message the others have read. */
function receiptFor(chatId: string, messages: Message[]) {
  const result = new Map<string, string>()
  const me = store.me?.user_id
  const chat = store.chats.get(chatId)
  const others = store.views.get(chatId)?.members.filter((m) => m.user_id !== me) ?? []
  if (!chat || others.length === 0) return result
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]
    if (message.sender_id !== me || message.deleted_at) continue
    const readers = others.filter((m) => m.last_read_seq >= message.seq).length
    if (readers === 0) continue
    result.set(message.message_id, chat.type === 'private' ? 'Seen' : `Seen by ${readers}`)
    break
  }
  return result
}

function time(iso: string) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

function Attachment({ message }: { message: Message }) {
  const file: any = message.file
  if (!file) return null
  if (file.deleted) return <p class="muted">File deleted</p>
  const url = store.fileUrl(file.file_id)
  if (message.type === 'image' && String(file.mime_type).startsWith('image/')) {
    return (
      <a href={url} target="_blank" rel="noopener" class="attachment">
        <img src={url} alt={file.filename} loading="lazy" />
      </a>
    )
  }
  return (
    <a href={url} class="attachment file" download={file.filename}>
      📎 {file.filename} ({Math.ceil(file.size / 1024)} KB)
    </a>
  )
}

/** The text, with `@Name` of mentioned members set apart. */
function Content({ message }: { message: Message }) {
  const names = message.mentions
    .map((id) => (id === 'all' ? 'all' : store.names.get(id)))
    .filter((name): name is string => !!name)
    .sort((a, b) => b.length - a.length)
  if (names.length === 0) return <>{message.content}</>
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const parts = message.content.split(new RegExp(`(@(?:${escaped.join('|')}))`, 'g'))
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} class="mention">
            {part}
          </span>
        ) : (
          part
        )
      )}
    </>
  )
}

export function MessageItem({
  message,
  onReply,
  receipt,
  inThread = false
}: {
  message: Message
  onReply?: () => void
  receipt?: string
  inThread?: boolean
}) {
  const [editing, setEditing] = useState(false)
  const [picker, setPicker] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const me = store.me?.user_id
  const mine = message.sender_id === me
  const role = store.myRole(message.chat_id)
  const deleted = !!message.deleted_at
  const replied = message.reply_to ? store.findMessage(message.chat_id, message.reply_to) : undefined
  const fail = (thrown: any) => setError(thrown?.message ?? 'That did not work')
  const act = (action: () => Promise<unknown>) => () => {
    setError(null)
    action().catch(fail)
  }

  return (
    <article
      class={`message ${mine ? 'mine' : ''} ${deleted ? 'deleted' : ''}`}
      data-seq={message.seq}
      data-id={message.message_id}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && picker) {
          e.stopPropagation()
          setPicker(false)
        }
      }}
    >
      <div class="meta">
        <span class="author">{message.sender_name ?? 'Deleted user'}</span>
        <time dateTime={message.created_at}>{time(message.created_at)}</time>
        {message.edited_at && !deleted && <span class="edited">(edited)</span>}
        {message.pinned_at && <span class="pinned-mark">📌 pinned</span>}
      </div>
      {message.reply_to && (
        <p class="quote">
          ↪{' '}
          {replied
            ? `${replied.sender_name ?? 'Someone'}: ${replied.deleted_at ? 'Message deleted' : replied.content.slice(0, 80)}`
            : 'an earlier message'}
        </p>
      )}
      {deleted ? (
        <p class="text muted">Message deleted</p>
      ) : editing ? (
        <EditBox message={message} onDone={() => setEditing(false)} onError={fail} />
      ) : (
        <>
          {message.content && (
            <p class="text">
              <Content message={message} />
            </p>
          )}
          <Attachment message={message} />
        </>
      )}
      {message.reactions.length > 0 && (
        <div class="reactions">
          {message.reactions.map((r) => (
            <button
              type="button"
              key={r.emoji}
              class="chip"
              aria-label={`${r.emoji} ${r.count}`}
              aria-pressed={r.me}
              onClick={act(() => store.toggleReaction(message, r.emoji))}
            >
              {r.emoji} {r.count}
            </button>
          ))}
        </div>
      )}
      {!inThread && message.thread && message.thread.reply_count > 0 && (
        <button
          type="button"
          class="link replies"
          onClick={() => void store.openThread(message.chat_id, message.message_id)}
        >
          {message.thread.reply_count} {message.thread.reply_count === 1 ? 'reply' : 'replies'}
        </button>
      )}
      {!deleted && (
        <div class="actions">
          {onReply && (
            <button type="button" onClick={onReply}>
              Reply
            </button>
          )}
          {!inThread && !message.thread_root_id && (
            <button type="button" onClick={() => void store.openThread(message.chat_id, message.message_id)}>
              Reply in thread
            </button>
          )}
          <button type="button" aria-expanded={picker} onClick={() => setPicker(!picker)}>
            React
          </button>
          {mine && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {(mine || role === 'owner' || role === 'admin') && (
            <button type="button" onClick={act(() => store.remove(message.message_id))}>
              Delete
            </button>
          )}
          <button type="button" onClick={act(() => store.togglePin(message))}>
            {message.pinned_at ? 'Unpin' : 'Pin'}
          </button>
        </div>
      )}
      {picker && (
        <Picker
          onPick={(emoji) => {
            setPicker(false)
            act(() => store.toggleReaction(message, emoji))()
          }}
        />
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {receipt && <p class="receipt">{receipt}</p>}
    </article>
  )
}

/** The emoji to react with; the first one takes the focus (Escape closes, from the message). */
function Picker({ onPick }: { onPick: (emoji: string) => void }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    ref.current?.querySelector('button')?.focus()
  }, [])
  return (
    <div class="picker" role="group" aria-label="Reactions" ref={ref}>
      {EMOJI.map((emoji) => (
        <button type="button" key={emoji} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  )
}

function EditBox({
  message,
  onDone,
  onError
}: {
  message: Message
  onDone: () => void
  onError: (e: any) => void
}) {
  const [text, setText] = useState(message.content)
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    ref.current?.focus()
  }, [])
  const save = () => {
    if (!text.trim() || text === message.content) return onDone()
    store.edit(message.message_id, text).then(onDone).catch(onError)
  }
  return (
    <div class="edit">
      <textarea
        ref={ref}
        aria-label="Edit message"
        value={text}
        rows={2}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault()
            save()
          } else if (e.key === 'Escape') onDone()
        }}
      />
      <button type="button" onClick={save}>
        Save
      </button>
      <button type="button" class="link" onClick={onDone}>
        Cancel
      </button>
    </div>
  )
}

function Pins({ chatId, onClose }: { chatId: string; onClose: () => void }) {
  const [pins, setPins] = useState<Message[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const version = store.pinsVersion
  useEffect(() => {
    store
      .pins(chatId)
      .then(setPins)
      .catch((thrown) => setError(thrown?.message ?? 'Could not load the pins'))
  }, [chatId, version])
  const show = (message: Message) => {
    document
      .querySelector(`article[data-id="${CSS.escape(message.message_id)}"]`)
      ?.scrollIntoView({ block: 'center' })
  }
  return (
    <div class="pins" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <ul aria-label="Pinned messages">
        {pins?.length === 0 && <li class="muted">Nothing pinned yet</li>}
        {pins?.map((message) => (
          <li key={message.message_id}>
            <button type="button" class="link" onClick={() => show(message)}>
              <strong>{message.sender_name ?? 'Someone'}:</strong>{' '}
              {message.deleted_at ? 'Message deleted' : message.content.slice(0, 120) || message.type}
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

function Thread({ chatId, rootId }: { chatId: string; rootId: string }) {
  const root = store.findMessage(chatId, rootId)
  const replies = store.threadReplies(rootId, chatId)
  const list = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight
  }, [replies.length])
  return (
    <aside class="thread" aria-label="Thread" onKeyDown={(e) => e.key === 'Escape' && store.closeThread()}>
      <div class="chat-head">
        <h3>Thread</h3>
        <button type="button" class="link" aria-label="Close thread" onClick={() => store.closeThread()}>
          ×
        </button>
      </div>
      <div class="thread-log" ref={list}>
        {root && <MessageItem message={root} inThread />}
        <p class="muted replies-count">
          {replies.length} {replies.length === 1 ? 'reply' : 'replies'}
        </p>
        {replies.map((message) => (
          <MessageItem key={message.message_id} message={message} inThread />
        ))}
        {store.thread?.loading && <p class="muted">Loading…</p>}
      </div>
      <Composer chatId={chatId} label="Reply in thread" threadRootId={rootId} />
    </aside>
  )
}

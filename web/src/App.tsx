// The shell: sign-in screen or header + chat list + open chat (one column on a narrow screen).
import { useEffect, useReducer, useRef, useState } from 'preact/hooks'
import type { Chat, MessageSearchHit, User } from '../../src/client'
import { store } from './store'
import { SignIn } from './SignIn'
import { ChatPane } from './ChatPane'
import { Dialog } from './Dialog'

export function App() {
  const [, rerender] = useReducer((n: number, _: void) => n + 1, 0)
  useEffect(() => store.subscribe(() => rerender()), [])
  useEffect(() => {
    if (store.session && !store.connection) store.start().catch(() => undefined)
    const onVisible = () => {
      if (store.openChatId && document.visibilityState === 'visible') store.scheduleMarkRead(store.openChatId)
    }
    document.addEventListener('visibilitychange', onVisible)
    window.addEventListener('focus', onVisible)
    return () => {
      document.removeEventListener('visibilitychange', onVisible)
      window.removeEventListener('focus', onVisible)
    }
  }, [])

  if (!store.session) return <SignIn />
  return (
    <div class={`shell ${store.openChatId ? 'chat-open' : ''}`}>
      <Header />
      <ChatList />
      <main class="main">
        {store.openChatId ? (
          <ChatPane key={store.openChatId} chatId={store.openChatId} />
        ) : (
          <p class="empty">{store.chatsLoaded ? 'Pick a chat, or start a new one.' : 'Loading…'}</p>
        )}
      </main>
    </div>
  )
}

const connectionText = { connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline' }

function Header() {
  const state = store.connectionState
  return (
    <header class="header">
      <strong class="me">{store.me?.name}</strong>
      <span role="status" aria-label="Connection" data-state={state} class={`connection ${state}`}>
        {connectionText[state]}
      </span>
      <MessageSearch />
      <button type="button" onClick={() => void store.signOut()}>
        Sign out
      </button>
    </header>
  )
}

function Highlighted({ text, ranges }: { text: string; ranges: [number, number][] }) {
  const parts = []
  let at = 0
  for (const [start, end] of ranges) {
    if (start < at || end > text.length) continue
    parts.push(text.slice(at, start), <mark key={start}>{text.slice(start, end)}</mark>)
    at = end
  }
  parts.push(text.slice(at))
  return <>{parts}</>
}

function MessageSearch() {
  const [q, setQ] = useState('')
  const [hits, setHits] = useState<MessageSearchHit[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const run = async (event: Event) => {
    event.preventDefault()
    if (!q.trim()) return setHits(null)
    setError(null)
    try {
      setHits(await store.searchMessages(q.trim()))
    } catch (thrown: any) {
      setError(thrown?.message ?? 'Search failed')
    }
  }
  const close = () => {
    setHits(null)
    setError(null)
  }
  return (
    <form role="search" class="search" onSubmit={run} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <input
        type="search"
        aria-label="Search messages"
        placeholder="Search messages"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      {error && (
        <p role="alert" class="error popover">
          {error}
        </p>
      )}
      {hits && (
        <div class="popover search-results">
          <ul aria-label="Search results">
            {hits.length === 0 && <li class="muted">No messages found</li>}
            {hits.map((hit) => {
              const chat = store.chats.get(hit.chat_id)
              return (
                <li key={hit.message_id}>
                  <button
                    type="button"
                    onClick={() => {
                      close()
                      void store.showMessage(hit.chat_id, hit.message_id, hit.thread_root_id)
                    }}
                  >
                    <span class="hit-meta">
                      {hit.sender_name ?? 'Someone'} · {chat ? store.title(chat) : 'chat'}
                    </span>
                    <span class="hit-text">
                      <Highlighted text={hit.content} ranges={hit.highlights as [number, number][]} />
                    </span>
                  </button>
                </li>
              )
            })}
          </ul>
          <button type="button" class="link" onClick={close}>
            Close
          </button>
        </div>
      )}
    </form>
  )
}

function preview(chat: Chat) {
  const message = chat.last_message
  if (!message) return 'No messages yet'
  if (message.deleted_at) return 'Message deleted'
  const text = message.content || (message.type === 'image' ? 'Image' : message.type === 'file' ? 'File' : '')
  return `${message.sender_id === store.me?.user_id ? 'You: ' : ''}${text}`
}

function ChatList() {
  const [dialog, setDialog] = useState<'chat' | 'group' | null>(null)
  return (
    <nav class="sidebar" aria-label="Chats">
      <div class="sidebar-actions">
        <button type="button" onClick={() => setDialog('chat')}>
          New chat
        </button>
        <button type="button" onClick={() => setDialog('group')}>
          New group
        </button>
      </div>
      <ul class="chat-list">
        {store.sortedChats().map((chat) => {
          const other = chat.other_user
          const status = other ? (store.statuses.get(other.user_id) ?? other.status) : undefined
          const online = status === 'online' || status === 'away' || status === 'dnd'
          const unread = chat.unread_count ?? 0
          const mentions = chat.mention_count ?? 0
          return (
            <li key={chat.chat_id}>
              <button
                type="button"
                class={`chat-item ${store.openChatId === chat.chat_id ? 'active' : ''}`}
                aria-current={store.openChatId === chat.chat_id ? 'true' : undefined}
                onClick={() => void store.openChat(chat.chat_id)}
              >
                <span class="chat-title">{store.title(chat)}</span>
                {other && (
                  <span
                    class={`presence ${online ? 'online' : 'offline'}`}
                    aria-label={online ? 'online' : 'offline'}
                    role="img"
                  />
                )}
                <span class="chat-preview">{preview(chat)}</span>
                {mentions > 0 && (
                  <span class="badge mentions" aria-label={`${mentions} mentions`}>
                    @{mentions}
                  </span>
                )}
                {unread > 0 && (
                  <span class="badge" aria-label={`${unread} unread`}>
                    {unread}
                  </span>
                )}
              </button>
            </li>
          )
        })}
      </ul>
      {dialog === 'chat' && <NewChatDialog onClose={() => setDialog(null)} />}
      {dialog === 'group' && <NewGroupDialog onClose={() => setDialog(null)} />}
    </nav>
  )
}

function usePeopleSearch() {
  const [q, setQ] = useState('')
  const [people, setPeople] = useState<User[]>([])
  const [error, setError] = useState<string | null>(null)
  const latest = useRef('')
  useEffect(() => {
    const query = q.trim()
    latest.current = query
    if (!query) return setPeople([])
    const timer = setTimeout(() => {
      store
        .searchPeople(query)
        .then((found) => latest.current === query && (setPeople(found), setError(null)))
        .catch((thrown) => setError(thrown?.message ?? 'Search failed'))
    }, 150)
    return () => clearTimeout(timer)
  }, [q])
  return { q, setQ, people, error }
}

function NewChatDialog({ onClose }: { onClose: () => void }) {
  const { q, setQ, people, error } = usePeopleSearch()
  const [failure, setFailure] = useState<string | null>(null)
  const open = async (user: User) => {
    try {
      const chatId = await store.privateChat(user.user_id)
      onClose()
      void store.openChat(chatId)
    } catch (thrown: any) {
      setFailure(thrown?.message ?? 'Could not open the chat')
    }
  }
  return (
    <Dialog title="New chat" onClose={onClose}>
      <label>
        Search people
        <input type="search" autoFocus value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </label>
      {(error || failure) && (
        <p role="alert" class="error">
          {error ?? failure}
        </p>
      )}
      <ul class="people">
        {people.map((user) => (
          <li key={user.user_id}>
            <button type="button" onClick={() => void open(user)}>
              {user.name}
            </button>
          </li>
        ))}
        {q.trim() && people.length === 0 && <li class="muted">Nobody found</li>}
      </ul>
    </Dialog>
  )
}

function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('')
  const { q, setQ, people, error } = usePeopleSearch()
  const [chosen, setChosen] = useState<User[]>([])
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const create = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    try {
      const chatId = await store.createGroup(
        name,
        chosen.map((u) => u.user_id)
      )
      onClose()
      void store.openChat(chatId)
    } catch (thrown: any) {
      setFailure(thrown?.message ?? 'Could not create the group')
      setBusy(false)
    }
  }
  return (
    <Dialog title="New group" onClose={onClose}>
      <form onSubmit={create}>
        <label>
          Group name
          <input required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Search people
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <ul class="people">
          {people
            .filter((user) => !chosen.some((c) => c.user_id === user.user_id))
            .map((user) => (
              <li key={user.user_id}>
                <button type="button" onClick={() => setChosen([...chosen, user])}>
                  {user.name}
                </button>
              </li>
            ))}
        </ul>
        <ul class="chosen" aria-label="Members">
          {chosen.map((user) => (
            <li key={user.user_id}>
              <span>{user.name}</span>{' '}
              <button
                type="button"
                class="link"
                aria-label={`Remove ${user.name}`}
                onClick={() => setChosen(chosen.filter((c) => c.user_id !== user.user_id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        {(error || failure) && (
          <p role="alert" class="error">
            {error ?? failure}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !name.trim()}>
          Create group
        </button>
      </form>
    </Dialog>
  )
}

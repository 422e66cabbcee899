// The message box: Enter sends, Shift+Enter is a new line, `@` offers the chat's members (the chosen ones
// are sent as `mentions`), a file can be attached (images previewed before sending), typing is announced.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Message } from '../../src/client'
import { store } from './store'

interface Candidate {
  id: string
  name: string
}

const TYPING_EVERY_MS = 3000
const TYPING_IDLE_MS = 4000

export function Composer({
  chatId,
  label,
  threadRootId,
  replyTo,
  onCancelReply,
  onSent
}: {
  chatId: string
  label: string
  threadRootId?: string
  replyTo?: Message | null
  onCancelReply?: () => void
  onSent?: () => void
}) {
  const [text, setText] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [previewUrl, setPreviewUrl] = useState<string | null>(null)
  const [mentioned, setMentioned] = useState<Candidate[]>([])
  const [query, setQuery] = useState<{ start: number; text: string } | null>(null)
  const [active, setActive] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const box = useRef<HTMLTextAreaElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const typingSent = useRef(0)
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const listId = `mentions-${threadRootId ?? chatId}`

  useEffect(() => {
    box.current?.focus()
  }, [replyTo])
  useEffect(() => () => stopTyping(), [])
  useEffect(() => {
    if (!file || !file.type.startsWith('image/')) return setPreviewUrl(null)
    const url = URL.createObjectURL(file)
    setPreviewUrl(url)
    return () => URL.revokeObjectURL(url)
  }, [file])

  const chat = store.chats.get(chatId)
  const members = store.views.get(chatId)?.members ?? []
  const role = store.myRole(chatId)
  const candidates: Candidate[] = query
    ? [
        ...members
          .filter((m) => m.user_id !== store.me?.user_id)
          .map((m) => ({ id: m.user_id, name: m.name })),
        ...(chat?.type === 'group' && (role === 'owner' || role === 'admin')
          ? [{ id: 'all', name: 'all' }]
          : [])
      ]
        .filter((c) => c.name.toLowerCase().startsWith(query.text.toLowerCase()))
        .slice(0, 8)
    : []
  const listOpen = candidates.length > 0

  const stopTyping = () => {
    clearTimeout(typingTimer.current)
    if (typingSent.current) {
      typingSent.current = 0
      store.typing(chatId, false)
    }
  }

  const announceTyping = () => {
    const now = Date.now()
    if (now - typingSent.current > TYPING_EVERY_MS) {
      typingSent.current = now
      store.typing(chatId, true)
    }
    clearTimeout(typingTimer.current)
    typingTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS)
  }

  const findQuery = (value: string, caret: number) => {
    const before = value.slice(0, caret)
    const match = /(^|\s)@([^\s@]{0,40})$/.exec(before)
    return match ? { start: caret - match[2].length - 1, text: match[2] } : null
  }

  const onInput = (event: Event) => {
    const el = event.currentTarget as HTMLTextAreaElement
    setText(el.value)
    setQuery(findQuery(el.value, el.selectionStart ?? el.value.length))
    setActive(0)
    if (el.value) announceTyping()
    else stopTyping()
  }

  const choose = (candidate: Candidate) => {
    if (!query) return
    const el = box.current!
    const caret = el.selectionStart ?? text.length
    const insert = `@${candidate.name} `
    const next = text.slice(0, query.start) + insert + text.slice(caret)
    // Straight into the element, caret included, so keys typed next land after the mention.
    el.value = next
    const at = query.start + insert.length
    el.setSelectionRange(at, at)
    el.focus()
    setText(next)
    setQuery(null)
    if (!mentioned.some((m) => m.id === candidate.id)) setMentioned([...mentioned, candidate])
  }

  const send = async () => {
    const content = text.trim()
    if ((!content && !file) || busy) return
    setBusy(true)
    setError(null)
    stopTyping()
    try {
      await store.send(chatId, {
        content,
        reply_to: replyTo?.message_id,
        thread_root_id: threadRootId,
        mentions: mentioned.filter((m) => content.includes(`@${m.name}`)).map((m) => m.id),
        file: file ?? undefined
      })
      setText('')
      setFile(null)
      setMentioned([])
      if (fileInput.current) fileInput.current.value = ''
      onSent?.()
    } catch (thrown: any) {
      setError(thrown?.message ?? 'Could not send')
    } finally {
      setBusy(false)
      box.current?.focus()
    }
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (listOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const step = event.key === 'ArrowDown' ? 1 : -1
        setActive((active + step + candidates.length) % candidates.length)
        return
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault()
        choose(candidates[Math.min(active, candidates.length - 1)])
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        event.stopPropagation()
        setQuery(null)
        return
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      void send()
    } else if (event.key === 'Escape' && replyTo) {
      event.stopPropagation()
      onCancelReply?.()
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      {replyTo && (
        <div class="replying">
          <span>
            Replying to <strong>{replyTo.sender_name ?? 'Someone'}</strong>: {replyTo.content.slice(0, 60)}
          </span>
          <button type="button" class="link" aria-label="Cancel reply" onClick={onCancelReply}>
            ×
          </button>
        </div>
      )}
      {file && (
        <div class="pending-file">
          {previewUrl ? (
            <img src={previewUrl} alt={`Preview of ${file.name}`} />
          ) : (
            <span>📎 {file.name}</span>
          )}
          <button
            type="button"
            class="link"
            aria-label="Remove attachment"
            onClick={() => {
              setFile(null)
              if (fileInput.current) fileInput.current.value = ''
            }}
          >
            ×
          </button>
        </div>
      )}
      {listOpen && (
        <ul class="mention-list" role="listbox" id={listId} aria-label="Mention someone">
          {candidates.map((candidate, i) => (
            <li
              key={candidate.id}
              id={`${listId}-${candidate.id}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault()
                choose(candidate)
              }}
            >
              @{candidate.name}
            </li>
          ))}
        </ul>
      )}
      <div class="composer-row">
        {!threadRootId && (
          <label class="attach" title="Attach file">
            <span aria-hidden="true">+</span>
            <input
              ref={fileInput}
              type="file"
              aria-label="Attach file"
              class="visually-hidden"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
          </label>
        )}
        <textarea
          ref={box}
          aria-label={label}
          placeholder={label === 'Message' ? 'Write a message' : 'Reply in thread'}
          rows={1}
          value={text}
          role="textbox"
          aria-multiline="true"
          aria-autocomplete="list"
          aria-controls={listOpen ? listId : undefined}
          aria-activedescendant={listOpen ? `${listId}-${candidates[active]?.id}` : undefined}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setQuery(null), 150)}
        />
        <button type="submit" class="primary" disabled={busy}>
          Send
        </button>
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  )
}

// The sign-in and sign-up forms (one at a time; a button switches).
import { useState } from 'preact/hooks'
import { store } from './store'

export function SignIn() {
  const [mode, setMode] = useState<'in' | 'up'>('in')
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(store.error)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    store.error = null
    try {
      if (mode === 'up') await store.signUp(name, email, password)
      else await store.signIn(email, password)
    } catch (thrown: any) {
      setError(thrown?.message ?? 'Something went wrong')
      setBusy(false)
    }
  }

  const switchMode = () => {
    setMode(mode === 'in' ? 'up' : 'in')
    setError(null)
  }

  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{mode === 'in' ? 'Sign in to Chat' : 'Create your account'}</h1>
        {mode === 'up' && (
          <label>
            Name
            <input
              name="name"
              autocomplete="name"
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
        )}
        <label>
          Email
          <input
            name="email"
            type="email"
            autocomplete="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete={mode === 'in' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'up' ? 8 : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'in' ? 'Sign in' : 'Sign up'}
        </button>
        <button type="button" class="link" onClick={switchMode}>
          {mode === 'in' ? 'Create an account' : 'I have an account'}
        </button>
      </form>
    </main>
  )
}

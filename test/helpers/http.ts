// Real HTTP for tests: fetch against a server's URL, every answer recorded so a test can check no secret left.
import assert from 'node:assert/strict'

/** Every response body a test received, so a test can assert no secret ever left the server. */
export const seenBodies: string[] = []

export interface HttpResult<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

export const http = async <T = any>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}
): Promise<HttpResult<T>> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.raw !== undefined) body = options.raw
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== undefined) headers['content-type'] ??= 'application/json'
  const response = await fetch(`${url}${path}`, { method, headers, body })
  const text = await response.text()
  seenBodies.push(text)
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, text }
}

/** An HTTP call as `user` (their access token as the bearer), with an optional JSON body. */
export const callAs = <T = any>(
  url: string,
  user: { access_token: string },
  method: string,
  path: string,
  body?: unknown
): Promise<HttpResult<T>> => http<T>(url, method, path, { token: user.access_token, body })

/** Fails if any response or event this process received carried a password hash. */
export const assertNoSecretsSeen = () => {
  for (const body of seenBodies) {
    assert.doesNotMatch(
      body,
      /"password_hash"\s*:|\$2[aby]\$\d{2}\$/,
      `a password hash left the server: ${body}`
    )
  }
}

/** `POST /api/uploads` (multipart: `purpose`, then `file`), as `token`'s user when given. */
export const uploadFile = async (
  url: string,
  token: string | undefined,
  purpose: string,
  bytes: Buffer,
  filename = 'x.png',
  type = 'image/png'
): Promise<HttpResult> => {
  const form = new FormData()
  form.append('purpose', purpose)
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  const response = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form
  })
  const text = await response.text()
  seenBodies.push(text)
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text }
}

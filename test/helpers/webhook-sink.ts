// A local webhook receiver for tests (node:http on 127.0.0.1): verifies every request's Standard Webhooks
// signature with the `standardwebhooks` verifier, can fail its first answers (500) or answer a redirect, and
// records what it received, in order.
import http from 'node:http'
import { Webhook } from 'standardwebhooks'

export interface SinkRequest {
  id: string
  headers: http.IncomingHttpHeaders
  body: string
  payload: any
  verified: boolean
  answered: number
}

export interface Sink {
  url: string
  port: number
  received: SinkRequest[]
  /** Requests answered 2xx with a valid signature, first receipt of each webhook-id only. */
  delivered: () => SinkRequest[]
  secret?: string
  /** Several secrets (one sink for several webhooks): a request verifies against one of them. */
  secrets?: string[]
  /** Requests for a webhook-id that arrived while another for the same id was still unanswered. */
  overlaps: number
  /** Milliseconds to wait before answering. */
  delayMs: number
  /** Answers the next `n` requests with 500. */
  failNext: (n: number) => void
  /** Every answer from now: this status (0: back to normal). */
  answerAlways: (status: number, headers?: Record<string, string>) => void
  close: () => Promise<void>
}

export const startSink = async (options: { port?: number; secret?: string } = {}): Promise<Sink> => {
  let failing = 0
  let always = 0
  let alwaysHeaders: Record<string, string> = {}
  const received: SinkRequest[] = []
  const sink: Sink = {
    url: '',
    port: 0,
    received,
    secret: options.secret,
    overlaps: 0,
    delayMs: 0,
    delivered: () => {
      const seen = new Set<string>()
      return received.filter((r) => {
        if (r.answered !== 200 || !r.verified || seen.has(r.id)) return false
        seen.add(r.id)
        return true
      })
    },
    failNext: (n) => (failing = n),
    answerAlways: (status, headers = {}) => {
      always = status
      alwaysHeaders = headers
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
  const open = new Set<string>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    const id = String(req.headers['webhook-id'])
    if (open.has(id)) sink.overlaps++
    open.add(id)
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      if (sink.delayMs) await new Promise((resolve) => setTimeout(resolve, sink.delayMs))
      const body = Buffer.concat(chunks).toString('utf8')
      let verified = false
      try {
        for (const secret of [...(sink.secret ? [sink.secret] : []), ...(sink.secrets ?? [])]) {
          try {
            new Webhook(secret).verify(body, req.headers as Record<string, string>)
            verified = true
            break
          } catch {
            // the next secret
          }
        }
      } catch {
        verified = false
      }
      let status = 200
      if (always) status = always
      else if (failing > 0) {
        failing--
        status = 500
      } else if (!verified) status = 401
      let payload: any
      try {
        payload = JSON.parse(body)
      } catch {
        payload = undefined
      }
      received.push({
        id: String(req.headers['webhook-id']),
        headers: req.headers,
        body,
        payload,
        verified,
        answered: status
      })
      res.writeHead(status, always ? alwaysHeaders : { 'content-type': 'text/plain' })
      open.delete(id)
      res.end(status === 200 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()))
  sink.port = (server.address() as { port: number }).port
  sink.url = `http://127.0.0.1:${sink.port}/hook`
  return sink
}

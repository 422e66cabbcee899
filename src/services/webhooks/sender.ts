// One HTTP attempt of a webhook delivery: POST the body to the checked target with the Standard Webhooks
// headers, a timeout, no redirects followed (a 3xx is a failure), and at most RESPONSE_BYTES of the answer
// read (then the connection is dropped). Connections are kept alive in the dispatcher's own agents: a queue's
// deliveries go one after the other to the same target, and a new TCP (and TLS) connection for each cost more
// than the request. A kept connection was made to a checked address (the pinned lookup), so reusing it
// cannot reach an address the guard did not see.
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { CheckedTarget } from './target-guard'

const RESPONSE_BYTES = 4096

export interface AttemptResult {
  ok: boolean
  status?: number
  error?: string
  durationMs: number
}

/** A `lookup` that answers the address the guard checked, whatever DNS says now. */
const pinnedLookup =
  (address: { address: string; family: number }): LookupFunction =>
  (_hostname, options, callback) => {
    if ((options as { all?: boolean })?.all) (callback as any)(null, [address])
    else callback(null, address.address, address.family)
  }

export interface Agents {
  http: http.Agent
  https: https.Agent
}

export const createAgents = (): Agents => ({
  http: new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxFreeSockets: 64 }),
  https: new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxFreeSockets: 64 })
})

export const postWebhook = (
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  agents?: Agents
): Promise<AttemptResult> => {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  return new Promise<AttemptResult>((resolve) => {
    let settled = false
    const done = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...result, durationMs: elapsed() })
    }
    const { url } = target
    const secure = url.protocol === 'https:'
    const transport = secure ? https : http
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
        agent: agents ? (secure ? agents.https : agents.http) : false,
        ...(target.address ? { lookup: pinnedLookup(target.address) } : {})
      },
      (response) => {
        const status = response.statusCode ?? 0
        let read = 0
        const finish = (keep: boolean) => {
          if (status >= 200 && status < 300) done({ ok: true, status })
          else if (status >= 300 && status < 400)
            done({ ok: false, status, error: `redirect (${status}) not followed` })
          else done({ ok: false, status, error: `HTTP ${status}` })
          // A fully read answer leaves its connection to the agent; a long or broken one is dropped.
          if (!keep) response.destroy()
        }
        response.on('data', (chunk: Buffer) => {
          read += chunk.length
          if (read >= RESPONSE_BYTES) finish(false)
        })
        response.on('end', () => finish(true))
        response.on('error', () => finish(false))
      }
    )
    const timer = setTimeout(() => {
      done({ ok: false, error: `timed out after ${timeoutMs} ms` })
      request.destroy()
    }, timeoutMs)
    request.on('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, error: error.code ? `${error.code}: ${error.message}` : error.message })
    )
    request.end(body)
  })
}

// One HTTP attempt of a webhook delivery: POST the body to the checked target with the Standard Webhooks
// headers, a timeout, no redirects followed (a 3xx is a failure), and at most RESPONSE_BYTES of the answer
// read (then the connection is dropped).
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

export const postWebhook = (
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number
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
    const transport = url.protocol === 'https:' ? https : http
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
        agent: false,
        ...(target.address ? { lookup: pinnedLookup(target.address) } : {})
      },
      (response) => {
        const status = response.statusCode ?? 0
        let read = 0
        const finish = () => {
          if (status >= 200 && status < 300) done({ ok: true, status })
          else if (status >= 300 && status < 400)
            done({ ok: false, status, error: `redirect (${status}) not followed` })
          else done({ ok: false, status, error: `HTTP ${status}` })
          response.destroy()
        }
        response.on('data', (chunk: Buffer) => {
          read += chunk.length
          if (read >= RESPONSE_BYTES) finish()
        })
        response.on('end', finish)
        response.on('error', finish)
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

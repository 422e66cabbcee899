// A request body no route reads (GET /metrics with a body) is read and thrown away before the answer goes
// out. Otherwise the answer is written, the connection closes with the
// rest of the body still arriving, and the kernel answers those bytes with a reset that can destroy the
// answer in the client's receive buffer: the client sees "aborted" instead of its 200 or 413 (found by the
// fuzz test on GET /metrics, whose answer spans several packets). This is the "lingering close" of web
// servers, bounded: at most `maxBytes` declared (beyond that the connection is dropped as before), and the
// body's own idle and total timeouts.
import type { IncomingMessage } from 'node:http'
import type { Middleware } from 'koa'
import type { Application } from '../declarations'

/**
 * Only for methods whose body no route reads. A POST or PUT refused before its body is read (a 401 or 429 on
 * an upload) is answered at once, as the upload limits intend: waiting for the body would defeat them.
 */
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS'])

const unread = (req: IncomingMessage) =>
  BODILESS.has(req.method ?? '') &&
  !req.complete &&
  !req.destroyed &&
  !req.readableEnded &&
  Number(req.headers['content-length'] ?? 0) > 0

const drain = (req: IncomingMessage, idleMs: number, totalMs: number) =>
  new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(total)
      req.setTimeout(0)
      resolve()
    }
    const total = setTimeout(finish, totalMs)
    req.setTimeout(idleMs, finish)
    req.once('end', finish)
    req.once('close', finish)
    req.once('error', finish)
    req.resume()
  })

export const drainUnreadBody =
  (app: Application, maxBytesFactor = 4): Middleware =>
  async (ctx, next) => {
    await next()
    const { req } = ctx
    if (!unread(req)) return
    const { bodyBytes, bodyIdleTimeoutMs, bodyTimeoutMs } = app.get('limits')
    if (Number(req.headers['content-length']) > bodyBytes * maxBytesFactor) return
    await drain(req, bodyIdleTimeoutMs, bodyTimeoutMs)
  }

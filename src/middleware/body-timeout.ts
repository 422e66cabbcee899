// Bounds how long a request body may take to arrive: no bytes for `bodyIdleTimeoutMs` (a stalled client), or
// the whole body not in within `bodyTimeoutMs` (a trickling one). Either way the client gets a 408 in the
// Feathers error shape and the connection is closed, which aborts the request: the JSON parser, the
// multipart parser and an upload streaming to disk all see the abort and let go of what they hold.
// (Node's own `requestTimeout` checks only every 30 s and cannot be tuned after `app.listen`.)
import { Timeout } from '@feathersjs/errors'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Middleware } from 'koa'
import type { Application } from '../declarations'

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0

/** Answers 408 if nothing has been sent yet, then drops the connection once the answer is flushed. */
const cutOff = (req: IncomingMessage, res: ServerResponse, error: Timeout) => {
  if (req.complete || req.destroyed) return
  if (res.headersSent) return void req.destroy()
  const body = JSON.stringify(error.toJSON())
  res.writeHead(error.code, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close'
  })
  res.end(body, () => req.destroy())
}

export const bodyTimeouts =
  (app: Application): Middleware =>
  async (ctx, next) => {
    const { req, res } = ctx
    if (req.complete || !hasBody(req)) return next()
    const { bodyIdleTimeoutMs, bodyTimeoutMs } = app.get('limits')
    // The socket's inactivity timer: reset by every byte received.
    req.setTimeout(bodyIdleTimeoutMs, () =>
      cutOff(req, res, new Timeout(`Request body stalled: no data for ${bodyIdleTimeoutMs} ms`))
    )
    const total = setTimeout(
      () => cutOff(req, res, new Timeout(`Request body not received within ${bodyTimeoutMs} ms`)),
      bodyTimeoutMs
    )
    const done = () => {
      clearTimeout(total)
      // A slow download is not a slow body. Once the response is finished, Node has set its keep-alive
      // timeout on the socket: leave that one alone.
      if (!req.destroyed && !res.writableFinished) req.setTimeout(0)
    }
    req.once('end', done)
    req.once('close', done)
    await next()
  }

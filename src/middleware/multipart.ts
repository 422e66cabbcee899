// Streams a multipart upload into the Feathers call of `POST /api/uploads` without buffering it: fields sent
// before the file become the body (`purpose`), and the file arrives as a stream in `params.upload`, capped at
// MAX_FILE_SIZE by busboy (bytes beyond are discarded and the stream is marked truncated). A request that
// closes before its body ended (client gone, or cut off by body-timeout.ts) destroys the parser, which fails
// the file stream: the upload in progress removes its partial file and its call ends.
import { finished } from 'node:stream'
import busboy from 'busboy'
import { BadRequest } from '@feathersjs/errors'
import type { Middleware } from 'koa'
import type { Readable } from 'node:stream'
import type { Application } from '../declarations'

export interface IncomingUpload {
  stream: Readable & { truncated?: boolean }
  filename: string
  /** The type the client claimed; only informative, the stored type is sniffed from the bytes. */
  claimedType: string
}

declare module '@feathersjs/feathers' {
  interface Params {
    upload?: IncomingUpload
  }
}

export const multipartUploads =
  (app: Application): Middleware =>
  async (ctx, next) => {
    if (ctx.path !== '/api/uploads' || ctx.method !== 'POST' || !ctx.is('multipart')) return next()
    const parser = busboy({
      headers: ctx.req.headers,
      limits: { fileSize: app.get('uploads').maxFileSize, files: 1, fields: 10, fieldSize: 1024 }
    })
    const fields: Record<string, string> = {}
    const upload = await new Promise<IncomingUpload | undefined>((resolve, reject) => {
      parser.on('field', (name, value) => (fields[name] = value))
      parser.on('file', (_name, stream, info) => {
        // Its readers (the upload service) see its errors; a refused upload drains it with no reader, and an
        // abort then must not become an unhandled 'error' event (a process crash).
        stream.on('error', () => undefined)
        resolve({ stream, filename: info.filename ?? 'file', claimedType: info.mimeType })
      })
      parser.on('close', () => resolve(undefined))
      parser.on('error', reject)
      // `pipe` alone never tells the parser that its source went away: it would wait forever.
      finished(ctx.req, (error) => {
        if (error && !parser.destroyed) {
          parser.destroy(new BadRequest('Upload incomplete: the connection closed before the body ended'))
        }
      })
      ctx.req.pipe(parser)
    })
    ctx.request.body = fields
    ;(ctx as any).feathers = { ...(ctx as any).feathers, upload }
    try {
      await next()
    } finally {
      // A refused call (no token, bad purpose) never read the file: drain it so the request completes.
      if (upload && !upload.stream.readableEnded) upload.stream.resume()
    }
  }

// Wraps a body-parsing middleware (koa-body, the multipart parser) so that whatever it throws before it
// hands on is answered as the client's fault: the body is client input. A JSON body that is a scalar, a
// gzip header on plain JSON, an unknown Content-Encoding or charset, a multipart header without a boundary
// each used to surface as a 500 from zlib, raw-body or busboy.
import { BadRequest, FeathersError } from '@feathersjs/errors'
import type { Middleware } from 'koa'
import { PayloadTooLarge, UnsupportedMediaType } from '../errors'

const bodyError = (error: any, malformed: string): FeathersError => {
  if (error instanceof FeathersError && error.code < 500) return error
  const status = error?.status ?? error?.statusCode
  if (status === 413) return new PayloadTooLarge()
  if (status === 415) return new UnsupportedMediaType('Unsupported Content-Encoding or charset')
  // zlib's Z_DATA_ERROR, Z_BUF_ERROR...: the body is not encoded the way its Content-Encoding says.
  if (typeof error?.code === 'string' && error.code.startsWith('Z_')) {
    return new BadRequest('Malformed request body: it does not match its Content-Encoding')
  }
  return new BadRequest(malformed)
}

/** `malformed` is the message for a body the parser could not read. */
export const clientBody =
  (
    parse: Middleware,
    malformed = 'Malformed request body: it must be a JSON object (valid JSON)'
  ): Middleware =>
  async (ctx, next) => {
    let parsed = false
    try {
      await parse(ctx, () => {
        parsed = true
        return next()
      })
    } catch (error) {
      // Failures after the body was parsed belong to the rest of the request.
      if (parsed) throw error
      const clean = bodyError(error, malformed)
      if (clean !== error) Object.defineProperty(clean, 'cause', { value: error, enumerable: false })
      throw clean
    }
  }

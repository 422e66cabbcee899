// The PostgreSQL protocol 3.0 messages the embedded database's share (pglite-share.ts) speaks itself: the
// startup codes it recognises, the backend messages it answers a client's startup with (PGlite answers the
// rest), the two frontend messages it sends PGlite on its own (Sync, a simple query), and a scan of PGlite's
// output for its ready-for-query status and whether a statement wrote anything.

export const PROTOCOL_3 = 196608
export const SSL_REQUEST = 80877103
export const GSS_REQUEST = 80877104
export const CANCEL_REQUEST = 80877102
export const MAX_MESSAGE = 64 * 1024 * 1024

// Backend messages (PostgreSQL protocol 3.0).
const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5)
  head.write(type, 0, 'latin1')
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}
const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8')
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4)
  buffer.writeInt32BE(value)
  return buffer
}
export const authenticationOk = () => message('R', int32(0))
export const parameterStatus = (name: string, value: string) =>
  message('S', Buffer.concat([cstring(name), cstring(value)]))
export const readyForQuery = () => message('Z', Buffer.from('I'))
export const errorResponse = (code: string, text: string) =>
  message(
    'E',
    Buffer.concat([
      Buffer.from('S'),
      cstring('ERROR'),
      Buffer.from('V'),
      cstring('ERROR'),
      Buffer.from('C'),
      cstring(code),
      Buffer.from('M'),
      cstring(text),
      Buffer.from([0])
    ])
  )
export const simpleQuery = (sql: string) => message('Q', cstring(sql))
export const SYNC = message('S', Buffer.alloc(0))

/** What a chunk of backend output says: the last ready-for-query status, whether rows were written. */
export const scanOutput = (output: Uint8Array) => {
  const buffer = Buffer.from(output.buffer, output.byteOffset, output.byteLength)
  let status: string | undefined
  let wrote = false
  for (let at = 0; at + 5 <= buffer.length;) {
    const type = String.fromCharCode(buffer[at])
    const length = buffer.readInt32BE(at + 1)
    if (type === 'Z') status = String.fromCharCode(buffer[at + 5])
    else if (type === 'C') {
      const tag = buffer.toString('utf8', at + 5, at + 1 + length - 1)
      if (/^(INSERT|UPDATE|DELETE|MERGE|COPY|TRUNCATE|CREATE|ALTER|DROP)\b/.test(tag)) wrote = true
    }
    at += 1 + length
  }
  return { status, wrote }
}

// The CORS allow-list (`origins`, CORS_ALLOWED_ORIGINS) as REST (Koa) and Socket.IO (its polling handshake)
// both apply it: one answer for both, `*` included.

/** The request's Origin if the list allows it (`*`: any), else '' (no CORS headers: the browser blocks it). */
export const allowedOrigin = (allowed: string[], origin: string | undefined): string =>
  origin && (allowed.includes('*') || allowed.includes(origin)) ? origin : ''

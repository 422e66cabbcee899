// Serves the reference web client (web/, built by Vite into web/dist) at `/`: its files, with a long cache
// for the content-hashed assets and `no-cache` for index.html, and index.html for any other GET that is not
// an API, docs, health, metrics or Socket.IO path (the client routes itself). Its responses get their own
// Content-Security-Policy (the app's default is `default-src 'none'`): scripts, styles and connections to
// this origin only. Without a build the API works as before and a warning says so.
import { existsSync, statSync, createReadStream } from 'node:fs'
import path from 'node:path'
import type { Middleware } from 'koa'
import type { Application } from '../declarations'

/** Paths the web client never answers: they belong to the server (an unknown one stays a JSON 404). */
const serverPrefixes = ['/api', '/docs', '/health', '/metrics', '/socket.io', '/uploads', '/files']

const isServerPath = (urlPath: string) =>
  serverPrefixes.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`))

/** web/dist of this checkout: two levels up from src/middleware, three from lib/src/middleware. */
export const defaultWebClientDir = () => {
  for (const up of ['../..', '../../..']) {
    const root = path.resolve(__dirname, up)
    if (existsSync(path.join(root, 'package.json'))) return path.join(root, 'web', 'dist')
  }
  return path.resolve(process.cwd(), 'web', 'dist')
}

// A Host header is only echoed into the policy when it is a plain host[:port] (never anything that could
// add a directive).
const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/

/** The policy of every web client response: this origin only, WebSockets to this host included. */
export const webClientCsp = (host: string | undefined) => {
  const sockets = host && plainHost.test(host) ? ` ws://${host} wss://${host}` : ''
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self'${sockets}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'"
  ].join('; ')
}

const fileAt = (root: string, urlPath: string): string | undefined => {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`)
  if (file !== root && !file.startsWith(root + path.sep)) return undefined
  try {
    return statSync(file).isFile() ? file : undefined
  } catch {
    return undefined
  }
}

/** Koa middleware for the web client; passes everything on when `dir` holds no build. */
export const webClient = (app: Application, dir = defaultWebClientDir()): Middleware => {
  const root = path.resolve(dir)
  const index = path.join(root, 'index.html')
  if (!existsSync(index)) {
    app
      .get('logger')
      .warn({ dir: root }, 'the web client is not built (npm run build:web): / serves nothing, the API works')
  }

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isServerPath(ctx.path)) return next()
    if (!existsSync(index)) return next()
    let file = ctx.path === '/' ? index : fileAt(root, ctx.path)
    // A missing asset is a 404, not the page (a stale tab asking for an old hash must not get HTML as JS).
    if (!file && ctx.path.startsWith('/assets/')) return next()
    file ??= index
    const stats = statSync(file)
    ctx.set('Content-Security-Policy', webClientCsp(ctx.get('Host')))
    ctx.set(
      'Cache-Control',
      file === index
        ? 'no-cache'
        : ctx.path.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache'
    )
    ctx.type = path.extname(file) || 'application/octet-stream'
    ctx.length = stats.size
    ctx.lastModified = stats.mtime
    ctx.status = 200
    if (ctx.fresh) {
      ctx.status = 304
      return
    }
    if (ctx.method === 'GET') ctx.body = createReadStream(file) // HEAD: the headers alone
  }
}

// GET /docs: Swagger UI over the OpenAPI document at GET /docs/openapi.json. Swagger UI's files are served from
// the swagger-ui-dist package (no CDN), from a fixed list, so nothing else under node_modules is reachable.
// The page gets its own Content-Security-Policy: same-origin scripts, styles, images and fetches only.
import fs from 'node:fs'
import path from 'node:path'
import type { Middleware } from 'koa'
import type { Application } from '../declarations'
import { buildOpenApi } from './openapi'

export const docsPrefix = '/docs'
export const openApiPath = `${docsPrefix}/openapi.json`

/**
 * Swagger UI renders with inline `style` attributes and draws its icons as `data:` SVGs, hence
 * `'unsafe-inline'` for styles and `data:` for images; scripts and fetches stay same-origin only.
 */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'))

/** The swagger-ui-dist files served under /docs/, with their types (source maps for the browser's tools). */
const vendorFiles: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-bundle.js.map': 'application/json; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui.css.map': 'application/json; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png'
}

// `validatorUrl: null`: Swagger UI would otherwise send the document to validator.swagger.io for a badge.
const initializer = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(openApiPath)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'BaseLayout'
  })
})
`

const page = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Chat backend API</title>
    <link rel="stylesheet" href="${docsPrefix}/swagger-ui.css">
    <link rel="stylesheet" href="${docsPrefix}/index.css">
    <link rel="icon" type="image/png" href="${docsPrefix}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${docsPrefix}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${docsPrefix}/swagger-ui-bundle.js"></script>
    <script src="${docsPrefix}/swagger-initializer.js"></script>
  </body>
</html>
`

/** Koa middleware answering GET/HEAD /docs, /docs/openapi.json and the UI's assets; anything else passes on. */
export const docsRoute = (app: Application): Middleware => {
  let document: string | undefined
  const openApi = () =>
    (document ??= JSON.stringify(buildOpenApi({ maxFileSize: (app.get('uploads') as any)?.maxFileSize })))

  return async (ctx, next) => {
    const { path: requestPath } = ctx
    if (requestPath !== docsPrefix && !requestPath.startsWith(`${docsPrefix}/`)) return next()
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()

    if (requestPath === docsPrefix || requestPath === `${docsPrefix}/`) {
      ctx.set('Content-Security-Policy', docsContentSecurityPolicy)
      ctx.set('Cache-Control', 'no-cache')
      ctx.type = 'text/html; charset=utf-8'
      ctx.body = page
      return
    }
    if (requestPath === openApiPath) {
      ctx.set('Cache-Control', 'no-cache')
      ctx.type = 'application/json; charset=utf-8'
      ctx.body = openApi()
      return
    }
    if (requestPath === `${docsPrefix}/swagger-initializer.js`) {
      ctx.set('Cache-Control', 'no-cache')
      ctx.type = 'text/javascript; charset=utf-8'
      ctx.body = initializer
      return
    }
    const name = requestPath.slice(docsPrefix.length + 1)
    const type = Object.hasOwn(vendorFiles, name) ? vendorFiles[name] : undefined
    if (!type) return next()
    const file = path.join(swaggerDir, name)
    const stat = await fs.promises.stat(file)
    ctx.set('Cache-Control', 'public, max-age=86400')
    ctx.type = type
    ctx.length = stat.size
    ctx.lastModified = stat.mtime
    ctx.body = fs.createReadStream(file)
  }
}

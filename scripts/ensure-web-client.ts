// Run by `npm start` before the server: builds the web client (web/ → web/dist) when no build is there, so a
// fresh checkout after `npm ci` serves it at `/`. A failed or impossible build (no Vite: a production install)
// is a warning, never a failure: the server starts and the API works without the web client.
import { existsSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(__dirname, '..')
const index = path.join(root, 'web', 'dist', 'index.html')

const main = () => {
  if (existsSync(index)) return
  let vite: string
  try {
    const manifest = require.resolve('vite/package.json', { paths: [root] })
    vite = path.join(path.dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.vite)
  } catch {
    console.warn('web client: web/dist is missing and Vite is not installed; starting without the web client')
    return
  }
  console.log('web client: web/dist is missing, building it (vite build web)…')
  const result = spawnSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit'
  })
  if (result.status !== 0 || !existsSync(index)) {
    console.warn('web client: the build failed; starting without the web client')
  }
}

main()

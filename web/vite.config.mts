// Vite config of the reference web client: root web/, output web/dist (served by the server at `/`).
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inlined assets: the page's CSP allows scripts and styles from this origin only.
    assetsInlineLimit: 0,
    sourcemap: false
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3030',
      '/socket.io': { target: 'ws://127.0.0.1:3030', ws: true }
    }
  }
})

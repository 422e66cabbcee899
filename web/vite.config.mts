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
  // `npx vite web` for development: the API of a server on :8080 (npm start) behind Vite's own server.
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true }
    }
  }
})

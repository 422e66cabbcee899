// A webhook receiver for the benchmarks, in its own process (forked with IPC): an HTTP server on 127.0.0.1
// that verifies every delivery's Standard Webhooks signature and counts what arrives. It can hold its answers
// (`hold`), so a backlog builds up in the server's queue (one delivery in flight per webhook and chat), and
// release them at once (`release`), which starts the drain the throughput row measures.
// A second sink process is the baseline poster (`post`): it sends N signed deliveries to the first sink's port
// the way a bare loop would (one at a time, keep-alive, signed with the same library): the ceiling for one
// ordered delivery stream, with the receiver in another process as it is for the server.
// Commands: {type:'secret', secret} | {type:'reset'} | {type:'hold'} | {type:'release'} | {type:'status'} |
// {type:'waitFor', count, timeoutMs} | {type:'post', count, payload, secret, port} | {type:'exit'}.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

let verifier: Webhook | undefined
let received = 0
let badSignatures = 0
let duplicates = 0
let firstAt = 0
let lastAt = 0
/** The first delivery's body: the baseline posts bodies of its size. */
let sampleBody = ''
const seenIds = new Set<string>()
let holding = false
const held: http.ServerResponse[] = []
const waiters: { count: number; resolve: () => void }[] = []

const reply = (message: unknown) => process.send?.(message)

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    const id = String(req.headers['webhook-id'] ?? '')
    sampleBody ||= body
    try {
      verifier?.verify(body, req.headers as Record<string, string>)
    } catch {
      badSignatures++
    }
    if (seenIds.has(id)) duplicates++
    else {
      seenIds.add(id)
      received++
      lastAt = performance.now()
      firstAt ||= lastAt
    }
    for (const w of waiters.splice(0)) (received >= w.count ? w.resolve : () => waiters.push(w))()
    if (holding) held.push(res)
    else res.writeHead(204).end()
  })
})
server.keepAliveTimeout = 60_000

const status = () => ({
  received,
  badSignatures,
  duplicates,
  firstAt,
  lastAt,
  sampleBody,
  now: performance.now()
})

/** The baseline: `count` signed POSTs, one at a time over one keep-alive connection. */
const post = async (count: number, payload: string, secret: string, port: number) => {
  const signer = new Webhook(secret)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const id = `msg_baseline_${process.pid}_${i}`
    const timestamp = new Date()
    const signature = signer.sign(id, timestamp, payload)
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/baseline',
          agent,
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature
          }
        },
        (res) => {
          res.resume()
          res.on('end', resolve)
        }
      )
      req.on('error', reject)
      req.end(payload)
    })
  }
  agent.destroy()
  return performance.now() - started
}

process.on('message', (command: any) => {
  switch (command.type) {
    case 'secret':
      verifier = new Webhook(command.secret)
      reply({ type: 'secret' })
      break
    case 'reset':
      received = badSignatures = duplicates = firstAt = lastAt = 0
      seenIds.clear()
      reply({ type: 'reset' })
      break
    case 'hold':
      holding = true
      reply({ type: 'hold' })
      break
    case 'release':
      holding = false
      for (const res of held.splice(0)) res.writeHead(204).end()
      reply({ type: 'release', at: performance.now() })
      break
    case 'status':
      reply({ type: 'status', status: status() })
      break
    case 'waitFor': {
      const timer = setTimeout(
        () => reply({ type: 'waitFor', ok: false, status: status() }),
        command.timeoutMs
      )
      const done = () => (clearTimeout(timer), reply({ type: 'waitFor', ok: true, status: status() }))
      if (received >= command.count) done()
      else waiters.push({ count: command.count, resolve: done })
      break
    }
    case 'post':
      post(command.count, command.payload, command.secret, command.port).then(
        (ms) => reply({ type: 'post', ms }),
        (error) => reply({ type: 'post', error: String(error) })
      )
      break
    case 'exit':
      server.close()
      process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () =>
  reply({ type: 'listening', port: (server.address() as AddressInfo).port })
)

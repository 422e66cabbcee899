// The listen socket's accept queue (LISTEN_BACKLOG, default 4096): a connection storm waits there for the event
// loop instead of having its handshakes dropped (Node's own default is 511; bench/storms.ts measured 1,846 of
// 10,000 sockets left unauthenticated after 30 s with it). Read from the kernel: for a listening socket `ss`
// shows the accept queue's limit as Send-Q.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { spawnServer } from './helpers/processes'

const acceptQueueLimit = (port: number) => {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim()
  return Number(line.split(/\s+/)[2]) // State Recv-Q Send-Q Local Peer
}

describe('the listen backlog', function () {
  this.timeout(60000)

  it('is 4096 by default (or the kernel cap), and LISTEN_BACKLOG sets it', async () => {
    const somaxconn = Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))
    const [byDefault, configured] = await Promise.all([
      spawnServer(),
      spawnServer({ LISTEN_BACKLOG: '1234' })
    ])
    try {
      assert.equal(acceptQueueLimit(byDefault.port), Math.min(4096, somaxconn))
      assert.equal(acceptQueueLimit(configured.port), Math.min(1234, somaxconn))
    } finally {
      await Promise.all([byDefault.stop(), configured.stop()])
    }
  })
})

// Real Redis topologies for the tests, on loopback ports: a 6-node Cluster (3 primaries, 3 replicas) built with
// `redis-cli --cluster create`, and Sentinel (a primary, a replica, three sentinels). Every server runs in a
// fresh temp dir without persistence, with short timeouts so a failover takes seconds; `stop()` kills them all
// and the process' exit kills whatever a failed test left. Without redis-server / redis-cli the tests skip,
// except with CI=true, where a missing binary is a failure (as test/setup.ts does for PostgreSQL and Redis).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { eventually } from './wait'

// 1 s so that a failover takes seconds (Redis defaults to 15 s; TEST_CLUSTER_NODE_TIMEOUT_MS=15000 tries that).
const CLUSTER_NODE_TIMEOUT_MS = Number(process.env.TEST_CLUSTER_NODE_TIMEOUT_MS ?? 1000)
const SENTINEL_DOWN_AFTER_MS = 1000
export const SENTINEL_MASTER = 'chat-test'

/** Whether redis-server and redis-cli can run; with CI=true their absence throws instead. */
export const redisBinariesAvailable = () => {
  const missing = ['redis-server', 'redis-cli'].filter(
    (binary) => spawnSync(binary, ['--version']).status !== 0
  )
  if (missing.length && process.env.CI === 'true')
    throw new Error(`CI=true but ${missing.join(' and ')} cannot run (apt-get install redis-server)`)
  return missing.length === 0
}

const running = new Set<ChildProcess>()
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')))

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })

/** A free port in 20000–39999 whose cluster bus port (+10000) is free too (ephemeral ports could pass 65535). */
const freeHighPort = async (): Promise<number> => {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 20000)
    if ((await portFree(port)) && (await portFree(port + 10000))) return port
  }
}

export interface RedisProcess {
  port: number
  /** SIGKILL by default (a crash); resolves once the process has exited. */
  kill: (signal?: NodeJS.Signals) => Promise<void>
  alive: () => boolean
}

const startProcess = async (args: string[], port: number): Promise<RedisProcess> => {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  running.add(child)
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      running.delete(child)
      resolve()
    })
  )
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null })
  probe.on('error', () => undefined) // refused until the server listens
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`)
      await probe.connect().catch(() => undefined)
      if ((await probe.ping()) !== 'PONG') throw new Error('no PONG')
    }, 10000)
  } finally {
    probe.disconnect()
  }
  return {
    port,
    alive: () => running.has(child),
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    }
  }
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'chat-redis-'))
const common = (port: number, dir: string) => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--dir',
  dir,
  '--save',
  '',
  '--appendonly',
  'no',
  // Redis 7 waits 5 s for more replicas before a diskless full sync; a replica that has never synced is not
  // eligible for promotion, so a primary killed in those seconds would stay failed (no failover at all).
  '--repl-diskless-sync-delay',
  '0'
]

const info = async (port: number, section: string) => {
  const client = new Redis({ port, host: '127.0.0.1', retryStrategy: () => null, maxRetriesPerRequest: 0 })
  client.on('error', () => undefined) // the caller's promise rejects
  try {
    return await client.info(section)
  } finally {
    client.disconnect()
  }
}

const cli = (args: string[]) => {
  const result = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 30000 })
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.stdout}${result.stderr}`)
  return result.stdout
}

export interface RedisTopology {
  /** What REDIS_CLUSTER_NODES or REDIS_SENTINELS is set to: comma-separated `127.0.0.1:port`. */
  nodes: string
  processes: RedisProcess[]
  /** Kills every server of the topology. */
  stop: () => Promise<void>
}

const topology = (processes: RedisProcess[], dirs: string[], seeds: number[]): RedisTopology => ({
  nodes: seeds.map((port) => `127.0.0.1:${port}`).join(','),
  processes,
  stop: async () => {
    await Promise.all(processes.map((p) => p.kill()))
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }))
  }
})

export interface RedisClusterTopology extends RedisTopology {
  /** The primary that serves `key`'s hash slot now (a key or a sharded channel name). */
  primaryFor: (key: string) => Promise<RedisProcess>
}

/** Six cluster-mode servers joined as 3 primaries with a replica each; resolves once every node says ok. */
export const startRedisCluster = async (): Promise<RedisClusterTopology> => {
  const dirs: string[] = []
  const processes = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const port = await freeHighPort()
      const dir = tempDir()
      dirs.push(dir)
      return startProcess(
        [
          ...common(port, dir),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          path.join(dir, 'nodes.conf'),
          '--cluster-node-timeout',
          String(CLUSTER_NODE_TIMEOUT_MS)
        ],
        port
      )
    })
  )
  const ports = processes.map((p) => p.port)
  const created = topology(processes, dirs, ports)
  try {
    cli([
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes'
    ])
    await eventually(async () => {
      for (const port of ports) {
        const state = await info(port, 'cluster').catch(() => '')
        if (!state.includes('cluster_enabled:1')) throw new Error('not a cluster node')
        const clusterInfo = cli(['-p', String(port), 'cluster', 'info'])
        if (!clusterInfo.includes('cluster_state:ok')) throw new Error(`node ${port}: ${clusterInfo}`)
        // Only a replica that has synced can take over (see `common`).
        const replication = await info(port, 'replication')
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up'))
          throw new Error(`replica ${port} has not synced with its primary yet`)
      }
    }, 20000)
  } catch (error) {
    await created.stop()
    throw error
  }
  return {
    ...created,
    primaryFor: async (key) => {
      const client = new Redis({
        port: processes.find((p) => p.alive())!.port,
        host: '127.0.0.1',
        retryStrategy: () => null
      })
      try {
        const slot = Number(await client.cluster('KEYSLOT', key))
        const ranges = await client.cluster('SLOTS')
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1]
        return processes.find((p) => p.port === owner)!
      } finally {
        client.disconnect()
      }
    }
  }
}

export interface RedisSentinelTopology extends RedisTopology {
  primary: RedisProcess
  replica: RedisProcess
  /** The primary's port as the sentinels report it now. */
  currentPrimaryPort: () => Promise<number>
}

/** A primary, its replica and three sentinels (quorum 2) watching it as SENTINEL_MASTER. */
export const startRedisSentinel = async (): Promise<RedisSentinelTopology> => {
  const dirs = [tempDir(), tempDir()]
  const primaryPort = await freeHighPort()
  const primary = await startProcess(common(primaryPort, dirs[0]), primaryPort)
  const replicaPort = await freeHighPort()
  const replica = await startProcess(
    [...common(replicaPort, dirs[1]), '--replicaof', '127.0.0.1', String(primaryPort)],
    replicaPort
  )
  const sentinels: RedisProcess[] = []
  for (let i = 0; i < 3; i++) {
    const port = await freeHighPort()
    const dir = tempDir()
    dirs.push(dir)
    // Sentinel rewrites its configuration file: it must be a file of its own, writable.
    const conf = path.join(dir, 'sentinel.conf')
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${SENTINEL_DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        ''
      ].join('\n')
    )
    sentinels.push(await startProcess([conf, '--sentinel'], port))
  }
  const all = [primary, replica, ...sentinels]
  const created = topology(
    all,
    dirs,
    sentinels.map((s) => s.port)
  )
  const currentPrimaryPort = async () =>
    Number(
      cli(['-p', String(sentinels[0].port), 'sentinel', 'get-master-addr-by-name', SENTINEL_MASTER])
        .trim()
        .split('\n')[1]
    )
  try {
    // Ready once the replica is in sync and every sentinel knows the replica and the other sentinels.
    await eventually(async () => {
      if (!(await info(replicaPort, 'replication')).includes('master_link_status:up'))
        throw new Error('replica not in sync')
      for (const s of sentinels) {
        const master = cli(['-p', String(s.port), 'sentinel', 'master', SENTINEL_MASTER])
        const field = (name: string) => Number(master.split('\n')[master.split('\n').indexOf(name) + 1])
        if (field('num-slaves') < 1 || field('num-other-sentinels') < 2)
          throw new Error('sentinels not ready')
      }
    }, 20000)
  } catch (error) {
    await created.stop()
    throw error
  }
  return { ...created, primary, replica, currentPrimaryPort }
}

// Databases and server processes for benchmarks: a fresh PostgreSQL database per run (dropped after), and the
// chat server started as its own process (so the load generator never shares its event loop).
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import { runMigrations } from '../../src/migrate'
import { progress } from './results'

export const root = path.join(__dirname, '..', '..')
export const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface BenchDatabase {
  url: string
  db: Knex
  drop: () => Promise<void>
}

/** A new, migrated database `chat_bench_<name>_<pid>`. */
export const createBenchDatabase = async (name: string): Promise<BenchDatabase> => {
  const dbName = `chat_bench_${name}_${process.pid}`
  await withAdmin(async (admin) => {
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.raw(`CREATE DATABASE ${dbName}`)
  })
  const bench = openBenchDatabase(dbName)
  await runMigrations(bench.db)
  return bench
}

/** Runs `work` on a connection to the maintenance database (CREATE / DROP DATABASE), then closes it. */
const withAdmin = async <T>(work: (admin: Knex) => Promise<T>): Promise<T> => {
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
  try {
    return await work(admin)
  } finally {
    await admin.destroy()
  }
}

const databaseUrl = (dbName: string) => {
  const url = new URL(adminUrl)
  url.pathname = `/${dbName}`
  return url.toString()
}

/** A BenchDatabase for the existing database `dbName`, dropped by `drop()`. */
const openBenchDatabase = (dbName: string): BenchDatabase => {
  const url = databaseUrl(dbName)
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 4 } })
  return {
    url,
    db,
    drop: async () => {
      await db.destroy()
      await withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`))
    }
  }
}

/** What a kept seed depends on: the migrations and the file that seeds it. */
export const seedVersion = (seedFile: string) =>
  createHash('sha256')
    .update(readdirSync(path.join(root, 'migrations')).sort().join('\n'))
    .update(readFileSync(seedFile))
    .digest('hex')
    .slice(0, 16)

/**
 * Seeded databases kept between runs as PostgreSQL templates (`chat_bench_tpl_<name>`): a 1M-message seed takes
 * ~30 s, a file copy of it a few. `version` names what the content depends on (the migrations, the seed's code):
 * a template of another version is dropped and seeded again. BENCH_RESEED=1 always seeds; the template keeps the
 * seed's facts (`info`) as its comment.
 */
export const seededDatabase = async <Info>(
  name: string,
  version: string,
  seed: (bench: BenchDatabase) => Promise<Info>
): Promise<{ bench: BenchDatabase; info: Info }> => {
  const template = `chat_bench_tpl_${name}`
  const dbName = `chat_bench_${name}_${process.pid}`
  const started = Date.now()
  const copied = await withAdmin(async (admin) => {
    const { rows } = await admin.raw(
      `SELECT shobj_description(oid, 'pg_database') AS info FROM pg_database WHERE datname = ?`,
      [template]
    )
    const kept = rows[0]?.info ? JSON.parse(rows[0].info) : undefined
    if (kept?.version !== version || process.env.BENCH_RESEED === '1') return undefined
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.raw(`CREATE DATABASE ${dbName} TEMPLATE ${template} STRATEGY FILE_COPY`)
    return kept.info as Info
  })
  if (copied !== undefined) {
    progress(
      `${name}: copied from the kept template in ${((Date.now() - started) / 1000).toFixed(1)} s (BENCH_RESEED=1 seeds again)`
    )
    return { bench: openBenchDatabase(dbName), info: copied }
  }
  const bench = await createBenchDatabase(name)
  const info = await seed(bench)
  // A template is copied while nobody is connected to it: close the pool, copy, open a new one.
  await bench.db.destroy()
  await withAdmin(async (admin) => {
    await admin.raw(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
    await admin.raw(`CREATE DATABASE ${template} TEMPLATE ${dbName} STRATEGY FILE_COPY`)
    const comment = JSON.stringify({ version, info }).replace(/'/g, "''")
    await admin.raw(`COMMENT ON DATABASE ${template} IS '${comment}'`)
  })
  return { bench: openBenchDatabase(dbName), info }
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

export interface ServerProcess {
  url: string
  port: number
  pid: number
  child: ChildProcess
  stop: () => Promise<void>
}

/**
 * Starts a Node script (default: the chat server, src/index.ts through tsx) on a free port with the given
 * environment, and waits for GET /health (or for the port to accept connections when `waitFor: 'port'`).
 * Rate limits are raised through their environment variables: benchmarks measure throughput, not the limits.
 */
export const startProcess = async (
  env: Record<string, string>,
  options: { script?: string; waitFor?: 'health' | 'port'; nodeArgs?: string[] } = {}
): Promise<ServerProcess> => {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', options.script ?? 'src/index.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        SERVER_ENV: 'development',
        SERVER_ADDR: `127.0.0.1:${port}`,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        JWT_SECRET: 'bench-secret-not-for-production',
        DB_MIGRATE_ON_START: 'false',
        RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '100000000',
        RATE_LIMIT_LOGIN_PER_EMAIL_PER_MINUTE: '100000000',
        RATE_LIMIT_LOGIN_PER_EMAIL_AND_IP_PER_MINUTE: '100000000',
        RATE_LIMIT_USER_SEARCH_PER_USER_PER_MINUTE: '100000000',
        RATE_LIMIT_REGISTER_PER_IP_PER_MINUTE: '100000000',
        RATE_LIMIT_MESSAGES_PER_USER_PER_10S: '100000000',
        RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '100000000',
        // The idle scenario opens 20 sockets per user, thousands from 127.0.0.1 within seconds.
        MAX_SOCKETS_PER_USER: '100000',
        RATE_LIMIT_CONNECTIONS_PER_IP_PER_MINUTE: '100000000',
        GROUP_MAX_MEMBERS: '100000',
        ...env
      },
      stdio: ['ignore', 'inherit', 'inherit']
    }
  )
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.script ?? 'server'} exited with ${child.exitCode}`)
    const ready =
      options.waitFor === 'port'
        ? await new Promise<boolean>((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)))
            s.on('error', () => resolve(false))
          })
        : await fetch(`${url}/health`).then(
            (r) => r.ok,
            () => false
          )
    if (ready) break
    if (Date.now() > deadline) throw new Error(`${options.script ?? 'server'} did not start`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    port,
    pid: child.pid!,
    child,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      // A --cpu-prof server writes its profile on exit, which takes a while for a long run.
      const grace = options.nodeArgs?.includes('--cpu-prof') ? 60_000 : 5000
      await Promise.race([exited, new Promise((r) => setTimeout(r, grace))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export const cpuSeconds = async (pid: number) => {
  const fs = await import('node:fs/promises')
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime in clock ticks (100/s)
}

/** Resident memory of a process in bytes, from /proc. */
export const rssBytes = async (pid: number) => {
  const fs = await import('node:fs/promises')
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1]
  return kb ? Number(kb) * 1024 : NaN
}

/** Write system calls (write, writev, sendmsg…) a process has made so far, from /proc/<pid>/io (Linux). */
export const writeSyscalls = async (pid: number) => {
  const fs = await import('node:fs/promises')
  const io = await fs.readFile(`/proc/${pid}/io`, 'utf8').catch(() => '')
  return Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? NaN)
}

// The embedded database shared with the admin CLI while the server runs. PGlite lives in the server's
// process and its folder opens in one process only, so the server answers the PostgreSQL wire protocol on
// a Unix socket (`.s.PGSQL.5432` in the PGlite folder, or in a private temporary folder when that path is
// too long for a socket) and writes where it is into `.chat-backend.share` next to its lockfile. The CLI
// (and `npm run migrate`) finds that file and connects with the ordinary `pg` client instead of opening the
// folder (postgresql.ts). The file is removed at shutdown; one left by a crash names a dead pid and is ignored.
//
// Why not @electric-sql/pglite-socket: each release pins one exact PGlite version (0.2.17 wants 0.5.14; this
// project has 0.5.16) and eight extension packages as required peers, and it runs each client message
// on its own, so the server's queries could run between a client's Parse and Sync or inside its
// transaction. Here a client message runs only while this server holds the one connection of knex's pool
// (knex-pglite has one), from its first message until PGlite reports ready-for-query outside a transaction:
// a client's statement or transaction runs whole, between the server's own queries, never inside them.
//
// Bounded waits, so that neither side hangs: one admin session at a time (a second waits up to `slotWaitMs`,
// then is refused with a clear error); a statement waits up to `acquireMs` for the database (the server's
// own transaction may hold it); a client that stops talking while it holds the database (open transaction,
// unfinished extended query) is cut off after `holdIdleMs` and its transaction rolled back; an idle
// session is closed after `sessionIdleMs`. At the end of a session its prepared statements are deallocated
// (the session state is PGlite's one session), and if it wrote anything `onWrite` tells the server.
//
// A second socket, `.chat-backend.events`, takes the admin command's service events when there is no Redis
// (realtime/admin-relay.ts sends them, one JSON message per line) and hands them to `onEvent`.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Knex } from 'knex'
import type { PGlite } from '@electric-sql/pglite'
import type { Logger } from 'pino'
import type { Application, HookContext, NextFunction, ShareInfo } from './declarations'
import { emitSynced } from './realtime/sync'
import {
  CANCEL_REQUEST,
  GSS_REQUEST,
  MAX_MESSAGE,
  PROTOCOL_3,
  SSL_REQUEST,
  SYNC,
  authenticationOk,
  errorResponse,
  parameterStatus,
  readyForQuery,
  scanOutput,
  simpleQuery
} from './pglite-wire'

export const SHARE_FILE = '.chat-backend.share'
export const SOCKET_PORT = 5432
const SOCKET_NAME = `.s.PGSQL.${SOCKET_PORT}`
/** The second socket: the admin command's service events (newline-delimited JSON, see realtime/admin-relay.ts). */
const EVENTS_NAME = '.chat-backend.events'
const MAX_EVENT_LINE = 16 * 1024 * 1024
/** Unix socket paths are limited to 104–108 bytes depending on the system. */
const MAX_SOCKET_PATH = 100

export type { ShareInfo }

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error: any) {
    return error.code === 'EPERM'
  }
}

/** The share of a live process on this PGlite folder, or undefined (none, or left by a dead process). */
export const readShare = (dir: string): ShareInfo | undefined => {
  let info: ShareInfo
  try {
    info = JSON.parse(fs.readFileSync(path.join(dir, SHARE_FILE), 'utf8'))
  } catch {
    return undefined
  }
  if (
    !Number.isInteger(info?.pid) ||
    typeof info.host !== 'string' ||
    !Number.isInteger(info.port) ||
    typeof info.events !== 'string'
  ) {
    return undefined
  }
  if (info.pid === process.pid || !alive(info.pid)) return undefined
  if (!fs.existsSync(path.join(info.host, `.s.PGSQL.${info.port}`))) return undefined
  return info
}

/** Removes a share file left by a dead process (the caller holds the folder's lock now). */
export const removeStaleShare = (dir: string) => fs.rmSync(path.join(dir, SHARE_FILE), { force: true })

export interface ShareOptions {
  db: Knex
  pglite: PGlite
  dir: string
  logger: Logger
  /** Called after an admin session that wrote to the database has ended. */
  onWrite?: () => void
  /** Called with each service event an admin command sends (parsed JSON, not validated). */
  onEvent?: (message: any) => void
  slotWaitMs?: number
  acquireMs?: number
  holdIdleMs?: number
  sessionIdleMs?: number
}

class Timeout extends Error {}

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Timeout()), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })

export interface PgliteShare {
  info: ShareInfo
  socketPath: string
  /** Sessions served so far (tests). */
  sessions: () => number
  stop: () => Promise<void>
}

/** Serves `pglite` on a Unix socket for admin commands and writes the share file; `stop()` undoes both. */
export const sharePglite = async (options: ShareOptions): Promise<PgliteShare> => {
  const { db, pglite, dir, logger } = options
  const slotWaitMs = options.slotWaitMs ?? 10_000
  const acquireMs = options.acquireMs ?? 10_000
  const holdIdleMs = options.holdIdleMs ?? 15_000
  const sessionIdleMs = options.sessionIdleMs ?? 60_000
  const pool = db.client as unknown as {
    acquireConnection(): Promise<unknown>
    releaseConnection(connection: unknown): Promise<void>
  }

  let host = dir
  let tempDir: string | undefined
  if (path.join(dir, EVENTS_NAME).length > MAX_SOCKET_PATH) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-pglite-'))
    fs.chmodSync(tempDir, 0o700)
    host = tempDir
  }
  const socketPath = path.join(host, SOCKET_NAME)
  const eventsPath = path.join(host, EVENTS_NAME)
  // Left by a crash: this process holds the folder's lock now.
  for (const file of [socketPath, eventsPath]) fs.rmSync(file, { force: true })

  const versions = (await db.raw('show server_version')).rows[0]?.server_version ?? '18'
  const startup = Buffer.concat([
    authenticationOk(),
    parameterStatus('server_version', String(versions)),
    parameterStatus('server_encoding', 'UTF8'),
    parameterStatus('client_encoding', 'UTF8'),
    parameterStatus('DateStyle', 'ISO, MDY'),
    parameterStatus('integer_datetimes', 'on'),
    parameterStatus('standard_conforming_strings', 'on'),
    parameterStatus('TimeZone', 'UTC'),
    readyForQuery()
  ])

  /** One admin session at a time: PGlite has one session, and its state (prepared statements) is theirs. */
  let slot: Promise<void> = Promise.resolve()
  let served = 0
  const sockets = new Set<net.Socket>()
  const cleanUps = new Set<Promise<void>>()
  let stopping = false

  const serve = (socket: net.Socket) => {
    sockets.add(socket)
    let buffer: Buffer = Buffer.alloc(0)
    /** Past the startup message: typed messages follow. */
    let typed = false
    /** Whether the session ran anything (its prepared statements are then deallocated at the end). */
    let ran = false
    let closed = false
    let wrote = false
    /** The knex connection, held from a message until PGlite is ready outside a transaction. */
    let held: unknown
    let heldStatus: string | undefined
    let work: Promise<void> = Promise.resolve()
    let idleTimer: NodeJS.Timeout | undefined
    let releaseSlot: (() => void) | undefined

    const fail = (code: string, text: string) => {
      if (closed) return
      // end() flushes the error to the client first; destroy() would drop it.
      if (socket.writable) {
        socket.end(errorResponse(code, text))
        setTimeout(() => socket.destroy(), 1000).unref()
        close(false)
      } else close()
    }
    const armIdle = () => {
      clearTimeout(idleTimer)
      if (closed) return
      idleTimer = held
        ? setTimeout(
            () => fail('25P03', 'admin session idle while holding the database: cut off, rolled back'),
            holdIdleMs
          )
        : setTimeout(() => fail('57P05', 'admin session idle: closed'), sessionIdleMs)
      idleTimer.unref()
    }

    const takeSlot = () => {
      const previous = slot
      let release!: () => void
      slot = new Promise<void>((resolve) => (release = resolve))
      releaseSlot = release
      return within(previous, slotWaitMs).then(
        () => true,
        () => {
          // Our turn comes after the current session anyway; give it up at once when it does.
          void previous.then(release)
          releaseSlot = undefined
          return false
        }
      )
    }

    const run = async (frame: Buffer) => {
      if (closed) return
      if (!held) {
        const acquiring = pool.acquireConnection()
        try {
          held = await within(acquiring, acquireMs)
        } catch (error) {
          if (error instanceof Timeout) {
            void acquiring.then((connection) => pool.releaseConnection(connection)).catch(() => undefined)
            return fail('55P03', `the server's database stayed busy for ${acquireMs} ms; try again`)
          }
          return fail('58000', `the server's database is unavailable: ${(error as Error).message}`)
        }
        if (closed) return release()
      }
      ran = true
      const output = await pglite.runExclusive(() => pglite.execProtocolRaw(new Uint8Array(frame)))
      const { status, wrote: changed } = scanOutput(output)
      if (changed) wrote = true
      if (status) heldStatus = status
      if (!closed && output.length > 0) socket.write(output)
      if (status === 'I') await release()
    }

    const release = async () => {
      const connection = held
      held = undefined
      heldStatus = undefined
      if (connection) await pool.releaseConnection(connection).catch(() => undefined)
    }

    /** Leaves PGlite's session as it was: no half-done extended query, no open transaction, no statements. */
    const cleanUp = async () => {
      clearTimeout(idleTimer)
      try {
        if (held) {
          const synced = scanOutput(await pglite.runExclusive(() => pglite.execProtocolRaw(SYNC)))
          const status = synced.status ?? heldStatus
          if (status === 'T' || status === 'E') {
            await pglite.runExclusive(() => pglite.execProtocolRaw(simpleQuery('ROLLBACK')))
          }
        } else if (ran) {
          const acquiring = pool.acquireConnection()
          held = await within(acquiring, acquireMs).catch((error) => {
            void acquiring.then((connection) => pool.releaseConnection(connection)).catch(() => undefined)
            throw error
          })
        }
        if (held) await pglite.runExclusive(() => pglite.execProtocolRaw(simpleQuery('DEALLOCATE ALL')))
      } catch (error) {
        logger.warn({ err: error }, 'admin session clean-up failed')
      } finally {
        await release()
        releaseSlot?.()
        sockets.delete(socket)
        if (wrote) options.onWrite?.()
      }
    }

    const close = (destroy = true) => {
      if (closed) return
      closed = true
      if (destroy) socket.destroy()
      work = work.then(cleanUp)
      cleanUps.add(work)
      void work.then(() => cleanUps.delete(work))
    }

    const startSession = async (frame: Buffer) => {
      const code = frame.readInt32BE(4)
      if (code === SSL_REQUEST || code === GSS_REQUEST) return void socket.write('N')
      if (code === CANCEL_REQUEST) return close() // PGlite has no backend to signal
      if (code !== PROTOCOL_3) return fail('08P01', 'unsupported protocol')
      if (!(await takeSlot())) {
        return fail('53300', `another admin command is using the server's database (waited ${slotWaitMs} ms)`)
      }
      served++
      if (!closed) socket.write(startup)
    }

    socket.on('data', (chunk: Buffer) => {
      if (closed) return
      // Not idle while its messages wait or run: the timer starts again once they are answered.
      clearTimeout(idleTimer)
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk
      for (;;) {
        if (!typed) {
          if (buffer.length < 8) break
          const length = buffer.readInt32BE(0)
          if (length < 8 || length > 10_000) return fail('08P01', 'invalid startup packet')
          if (buffer.length < length) break
          const startupFrame = buffer.subarray(0, length)
          buffer = buffer.subarray(length)
          // The startup message switches to typed messages; an SSL or GSS request is followed by another.
          if (startupFrame.readInt32BE(4) === PROTOCOL_3) typed = true
          work = work.then(() => startSession(startupFrame))
          continue
        }
        if (buffer.length < 5) break
        const length = buffer.readInt32BE(1)
        if (length < 4 || length > MAX_MESSAGE) return fail('08P01', 'invalid message length')
        if (buffer.length < 1 + length) break
        const frame = Buffer.from(buffer.subarray(0, 1 + length))
        buffer = buffer.subarray(1 + length)
        if (frame[0] === 0x58) return close() // Terminate
        work = work
          .then(() => run(frame))
          .catch((error) => {
            logger.warn({ err: error }, 'admin session query failed')
            fail('XX000', 'internal error in the shared database')
          })
      }
      work = work.then(armIdle)
    })
    socket.on('error', () => close())
    socket.on('close', () => close())
    socket.on('end', () => close())
    armIdle()
  }

  const listen = (server: net.Server, where: string) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(where, () => {
        server.off('error', reject)
        fs.chmodSync(where, 0o600) // the same OS user only: the sockets ask for no password
        resolve()
      })
    })
  const server = net.createServer(serve)
  await listen(server, socketPath)

  // Service events: one JSON message per line, handed to onEvent in order.
  const eventSockets = new Set<net.Socket>()
  const eventServer = net.createServer((socket) => {
    eventSockets.add(socket)
    let pending = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      pending += chunk
      if (pending.length > MAX_EVENT_LINE) {
        logger.warn('admin event line too long: connection closed')
        return socket.destroy()
      }
      let newline: number
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline)
        pending = pending.slice(newline + 1)
        try {
          options.onEvent?.(JSON.parse(line))
        } catch (error) {
          logger.warn({ err: error }, 'ignoring a malformed admin event')
        }
      }
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => eventSockets.delete(socket))
  })
  await listen(eventServer, eventsPath)

  const info: ShareInfo = { pid: process.pid, host, port: SOCKET_PORT, events: eventsPath }
  fs.writeFileSync(path.join(dir, SHARE_FILE), JSON.stringify(info))
  logger.debug({ socket: socketPath }, 'PGlite shared for admin commands')

  return {
    info,
    socketPath,
    sessions: () => served,
    stop: async () => {
      if (stopping) return
      stopping = true
      fs.rmSync(path.join(dir, SHARE_FILE), { force: true })
      const closedServers = [server, eventServer].map(
        (s) => new Promise<void>((resolve) => s.close(() => resolve()))
      )
      for (const socket of [...sockets, ...eventSockets]) socket.destroy()
      await Promise.all(closedServers)
      // Each session's clean-up (rollback, release) runs once its socket closed; a session still waiting
      // for its turn gives up within slotWaitMs, so this wait is bounded too.
      await Promise.all(cleanUps)
      for (const file of [socketPath, eventsPath]) fs.rmSync(file, { force: true })
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true })
    }
  }
}

/**
 * Shares the PGlite folder this server opened (nothing on PostgreSQL or in memory), until teardown. The admin
 * command's events arrive on the events socket and are emitted here (sync.ts `emitSynced`, as if from Redis).
 * And an admin session that wrote counts as a gap in the synced events, in case an event was lost: the server
 * re-checks its connections against the database (realtime/resync.ts: a banned user's sockets are closed,
 * ended sessions detached, memberships corrected) and forgets the identities and memberships it had verified,
 * so the next request reads the ban.
 */
export const shareEmbeddedDatabase = async (app: Application) => {
  const dir = app.get('embeddedDatabaseDir')
  const logger = app.get('logger')
  if (!dir || process.platform === 'win32') return undefined
  const db = app.get('postgresqlClient')
  let share: PgliteShare
  try {
    share = await sharePglite({
      db,
      pglite: (db.client as unknown as { pglite: PGlite }).pglite,
      dir,
      logger,
      onWrite: () => app.emit('sync:gap', 'an admin command changed the database'),
      onEvent: (message) => emitSynced(app, message)
    })
  } catch (error) {
    logger.warn({ err: error }, 'PGlite not shared: admin commands cannot run while this server runs')
    return undefined
  }
  app.hooks({
    teardown: [
      async (_context: HookContext, next: NextFunction) => {
        await share.stop()
        await next()
      }
    ]
  })
  return share
}

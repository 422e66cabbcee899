// Boots the application in this process without listening: createApp() then app.setup(). Socket.IO is
// created without an HTTP server (Feathers' setup() with no server attaches nothing and binds no port), so
// service calls run with every hook, and their events reach running servers through Redis when REDIS_URL
// is set. teardown() closes the database, Redis and timers, so the process then exits by itself.
import pino from 'pino'
import type { Command } from 'commander'
import { createApp, type CreateAppOptions } from '../app'
import type { Application } from '../declarations'
import { isPgClient } from '../postgresql'
import { action, CliError } from './output'

/** Logs go to stderr: stdout carries the command's output (a table or --json). */
const stderrLogger = (level: string) =>
  pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: 2, sync: true })
  )

export const boot = async (settings: CreateAppOptions['settings'] = {}): Promise<Application> => {
  const app = createApp({ settings })
  app.set('logger', stderrLogger(app.get('logging').level))
  try {
    // The embedded database of a running server, through its socket: say plainly why it cannot be reached
    // (busy with another admin command, stopping) rather than the API's generic 503.
    const db = app.get('postgresqlClient')
    if (app.get('databaseKind') === 'pglite' && isPgClient(db)) {
      await db.raw('select 1').catch((error: Error) => {
        throw new CliError(`the running server's database: ${error.message}`)
      })
    }
    await app.setup()
  } catch (error) {
    await app.teardown().catch(() => undefined)
    throw error
  }
  return app
}

type Client = { status: string; ping(): Promise<unknown>; once(event: string, listener: () => void): unknown }

/**
 * Lets a Redis connection finish what it was asked to do: waits for it to connect (or fail), then for a
 * PING answered after everything sent before it (a published event, the adapter's SUBSCRIBE).
 */
const settle = async (client?: Client) => {
  if (!client || ['wait', 'end', 'close', 'reconnecting'].includes(client.status)) return
  if (client.status !== 'ready') {
    await new Promise<void>((resolve) => ['ready', 'error', 'end'].forEach((e) => client.once(e, resolve)))
  }
  if (client.status === 'ready') await client.ping().catch(() => undefined)
}

/**
 * Tears the app down once its Redis connections are settled: events published to other instances have
 * left this process, and the Socket.IO adapter's subscriptions are not cut off half way.
 */
export const shutdown = async (app: Application) => {
  const adapter: any = (app as any).io?.of('/').adapter
  const sync = app.get('sync')
  await Promise.all(
    [sync?.publisher, sync?.subscriber, adapter?.pubClient, adapter?.subClient].map((c) => settle(c))
  )
  await app.teardown()
}

/** Runs `action` with a booted app and always tears it down afterwards. */
export const withApp = async <T>(
  action: (app: Application) => Promise<T>,
  settings?: CreateAppOptions['settings']
): Promise<T> => {
  const app = await boot(settings)
  try {
    return await action(app)
  } finally {
    await shutdown(app)
  }
}

/**
 * Completes an admin command declared with its name, description and options: adds `--json` (last, as in
 * every command's help) and runs `run(app, ...arguments, options)` with a booted app, torn down afterwards.
 * An error is printed on stderr and sets exit code 1 (see `action`).
 */
export const appCommand = <A extends unknown[]>(
  command: Command,
  run: (app: Application, ...args: A) => Promise<void>,
  settings?: CreateAppOptions['settings']
): Command =>
  command
    .option('--json', 'print JSON')
    .action(action(async (...args: A) => withApp((app) => run(app, ...args), settings)))

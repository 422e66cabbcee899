// `serve [--addr host:port]`: the HTTP + Socket.IO server, exactly as `npm start` runs it (src/index.ts).
import type { Command } from 'commander'
import { start } from '../../index'
import { reportError } from '../output'

export const registerServeCommand = (program: Command) => {
  program
    .command('serve')
    .description('start the HTTP and Socket.IO server (like npm start)')
    .option('--addr <host:port>', 'listen address, overriding SERVER_ADDR (":8080" = all interfaces)')
    .action(async (options: { addr?: string }) => {
      process.on('unhandledRejection', (reason) => console.error('Unhandled rejection', reason))
      try {
        await start(options.addr ? { settings: { serverAddr: options.addr } } : {})
      } catch (error) {
        reportError(error)
        process.exit(1)
      }
    })
}

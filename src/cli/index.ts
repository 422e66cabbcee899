#!/usr/bin/env node
// The admin CLI: `npm run cli -- <command>` (or `chat-admin <command>` once built). Each command boots the
// application in this process without listening and works through its services, so hooks, validation and
// events are the API's own; with REDIS_URL set, events reach the running servers (e.g. a ban drops sockets).
import { Command } from 'commander'
import { registerMigrateCommand } from './commands/migrate'
import { registerSeedCommand } from './commands/seed'
import { registerServeCommand } from './commands/serve'
import { registerUserCommands } from './commands/user'
import { registerChatCommands } from './commands/chat'
import { registerMessageCommands } from './commands/message'
import { registerGroupCommands } from './commands/group'
import { registerFilesCommands } from './commands/files'
// Outgoing webhooks (SPEC §15)
import { registerWebhookCommands } from './commands/webhook'
// Moderation (SPEC §15)
import { registerAuditCommands } from './commands/audit'
import { registerReportCommands } from './commands/report'
// Bots (SPEC §15)
import { registerBotCommands } from './commands/bot'
import { reportError } from './output'

export const createProgram = () => {
  const program = new Command('chat-admin')
    .description('Administration of the chat backend (uses the configured database and Redis)')
    .showHelpAfterError()
  registerMigrateCommand(program)
  registerSeedCommand(program)
  registerServeCommand(program)
  registerUserCommands(program)
  registerChatCommands(program)
  registerMessageCommands(program)
  registerGroupCommands(program)
  registerFilesCommands(program)
  registerWebhookCommands(program) // outgoing webhooks (SPEC §15)
  registerAuditCommands(program)
  registerReportCommands(program)
  registerBotCommands(program) // Bots (SPEC §15)
  return program
}

if (require.main === module) {
  createProgram()
    .parseAsync(process.argv)
    .catch((error) => reportError(error))
}

// Outgoing webhooks (SPEC §15): `webhook create --url <url> --events <list> [--chat <chat_id>]` (without
// --chat: a system-wide webhook, every chat: only here), `webhook list [--chat <chat_id>]`,
// `webhook remove <webhook_id>`. Internal calls of `api/webhooks`: validation and the SSRF guard still run.
import type { Command } from 'commander'
import { appCommand } from '../boot'
import { note, orNotFound, pick, printJson, printRecord, printRows, type OutputOptions } from '../output'

const webhookFields = [
  'webhook_id',
  'chat_id',
  'url',
  'events',
  'active',
  'consecutive_failures',
  'created_at'
]

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)

export const registerWebhookCommands = (program: Command) => {
  const webhook = program.command('webhook').description('outgoing webhooks (system-wide ones only here)')

  appCommand(
    webhook
      .command('create')
      .description('register a webhook: system-wide (every chat) unless --chat; prints its secret once')
      .requiredOption('--url <url>', 'http(s) target')
      .requiredOption('--events <events>', 'comma-separated: message.created,message.updated,…', list)
      .option('--chat <chat_id>', "one chat's events only"),
    async (app, options: OutputOptions & { url: string; events: string[]; chat?: string }) => {
      const created = await app.service('api/webhooks').create({
        url: options.url,
        events: options.events as any,
        chat_id: options.chat ?? null
      })
      if (options.json) return printJson(created)
      printRecord(pick(created, [...webhookFields, 'secret']))
      note(options, 'the secret is shown this once: keep it to verify signatures')
    }
  )

  appCommand(
    webhook
      .command('list')
      .description('webhooks, oldest first (all, or one chat)')
      .option('--chat <chat_id>', "one chat's webhooks"),
    async (app, options: OutputOptions & { chat?: string }) => {
      const rows = await app
        .service('api/webhooks')
        .find({ query: options.chat ? { chat_id: options.chat } : {} })
      if (options.json) printJson(rows)
      else
        printRows(
          options,
          rows.map((r) => ({ ...r, events: r.events.join(',') })),
          webhookFields
        )
    }
  )

  appCommand(
    webhook.command('remove <webhook_id>').description('remove a webhook, its queue and its log'),
    async (app, webhookId: string, options: OutputOptions) => {
      const removed = await orNotFound('webhook', webhookId, app.service('api/webhooks').remove(webhookId))
      if (options.json) printJson(removed)
      else printRecord(pick(removed, webhookFields))
    }
  )
}

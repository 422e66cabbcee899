// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../../declarations'
import { requireIncomingWebhookToken } from '../../../hooks/authorization/require-incoming-webhook-token'
import { noEvents } from '../../../hooks/no-events'
import { rateLimitIncomingWebhook } from '../../../hooks/rate-limit'
import { hookPostDataValidator } from '../incoming-webhooks.schema'
import { HookPostService } from './hook-posts.class'
import { hookPostMethods, hookPostPath } from './hook-posts.shared'

/** A retried post (same `client_id`) answers 200 with the original message, like a retried send. */
const okForDuplicates = async (context: HookContext) => {
  if (context.params.duplicate) context.http = { ...context.http, status: 200 }
}

export const hookPosts = (app: Application) => {
  app.use(hookPostPath, new HookPostService(app), { methods: [...hookPostMethods], events: [] })
  app.service(hookPostPath).hooks({
    before: {
      // The secret first: an unknown URL learns nothing about the body rules. The message's own service
      // emits the event members hear.
      create: [
        requireIncomingWebhookToken,
        rateLimitIncomingWebhook,
        schemaHooks.validateData(hookPostDataValidator),
        noEvents
      ]
    },
    after: { create: [okForDuplicates] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [hookPostPath]: HookPostService
  }
}

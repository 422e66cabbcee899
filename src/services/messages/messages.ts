// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import {
  requireMessageAccess,
  requireSender,
  requireSenderOrGroupAdmin
} from '../../hooks/authorization/require-message-access'
import { refuseMuted } from '../../hooks/authorization/refuse-muted'
import { enforceEditRules } from '../../hooks/message-rules'
import { validateMentions } from '../../hooks/mention-rules'
import { announceAsPatched } from '../../hooks/announce-as-patched'
import { MessageService } from './messages.class'
import { messagePatchValidator } from './messages.schema'
import { messageMethods, messagePath } from './messages.shared'

export * from './messages.class'
export * from './messages.schema'

/** A retried send (same client_id) returns the original message and announces nothing. */
export const silenceDuplicates = async (context: HookContext) => {
  if (context.params.duplicate) context.event = null
}

export const message = (app: Application) => {
  app.use(messagePath, new MessageService(app), { methods: [...messageMethods], events: [] })
  app.service(messagePath).hooks({
    around: {
      all: [authenticate('jwt')]
    },
    before: {
      find: [],
      get: [requireMessageAccess],
      create: [],
      update: [
        schemaHooks.validateData(messagePatchValidator),
        enforceEditRules,
        requireMessageAccess,
        requireSender,
        refuseMuted,
        validateMentions,
        announceAsPatched
      ],
      patch: [
        schemaHooks.validateData(messagePatchValidator),
        enforceEditRules,
        requireMessageAccess,
        requireSender,
        refuseMuted,
        validateMentions
      ],
      remove: [requireMessageAccess, requireSenderOrGroupAdmin]
    },
    after: {
      // Caches follow edits and deletes from their owners (src/caches/); new messages from the writer.
      create: [silenceDuplicates]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [messagePath]: MessageService
  }
}

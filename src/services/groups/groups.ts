// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireGroupMember, requireGroupRole } from '../../hooks/authorization/require-group-role'
import { announceAsPatched } from '../../hooks/announce-as-patched'
import { GroupService } from './groups.class'
import { groupDataValidator, groupExternalResolver, groupPatchValidator } from './groups.schema'
import { groupMethods, groupPath } from './groups.shared'

export * from './groups.class'
export * from './groups.schema'

export const group = (app: Application) => {
  app.use(groupPath, new GroupService(app), { methods: [...groupMethods], events: [] })
  app.service(groupPath).hooks({
    around: { all: [authenticate('jwt'), schemaHooks.resolveExternal(groupExternalResolver)] },
    before: {
      get: [requireGroupMember],
      create: [schemaHooks.validateData(groupDataValidator)],
      update: [
        requireGroupRole('owner', 'admin'),
        schemaHooks.validateData(groupPatchValidator),
        announceAsPatched
      ],
      patch: [requireGroupRole('owner', 'admin'), schemaHooks.validateData(groupPatchValidator)],
      remove: [requireGroupRole('owner')]
    }
    // Members' chat lists follow from src/caches/chat-lists.ts.
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [groupPath]: GroupService
  }
}

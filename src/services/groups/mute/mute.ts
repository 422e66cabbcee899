// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireGroupRole } from '../../../hooks/authorization/require-group-role'
import { protectOwnerAndAdmins } from '../../../hooks/authorization/group-member-rules'
import { muteDataValidator } from '../moderation.schema'
import { MuteService } from './mute.class'
import { muteMethods, mutePath } from './mute.shared'

export const mute = (app: Application) => {
  app.use(mutePath, new MuteService(app), { methods: [...muteMethods], events: [] })
  app.service(mutePath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      create: [
        requireGroupRole('owner', 'admin'),
        protectOwnerAndAdmins,
        schemaHooks.validateData(muteDataValidator)
      ],
      remove: [requireGroupRole('owner', 'admin'), protectOwnerAndAdmins]
    }
    // Who hears the mute, and the membership caches it invalidates on every instance: src/channels.ts.
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [mutePath]: MuteService
  }
}

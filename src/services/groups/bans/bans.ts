// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireGroupRole } from '../../../hooks/authorization/require-group-role'
import { groupBanQueryValidator } from '../moderation.schema'
import { GroupBanService } from './bans.class'
import { groupBanMethods, groupBanPath } from './bans.shared'

export const groupBans = (app: Application) => {
  app.use(groupBanPath, new GroupBanService(app), { methods: [...groupBanMethods], events: [] })
  app.service(groupBanPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      all: [requireGroupRole('owner', 'admin')],
      find: [schemaHooks.validateQuery(groupBanQueryValidator)]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [groupBanPath]: GroupBanService
  }
}

import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext, NextFunction } from '../../../declarations'
import { requireGroupMember, requireGroupRole } from '../../../hooks/authorization/require-group-role'
import { onlyOwnerGrantsAdmin, protectOwnerAndAdmins } from '../../../hooks/authorization/group-member-rules'
import { groupMemberDataValidator } from '../groups.schema'
import { memberRemoveQueryValidator } from '../moderation.schema'
import { answerOkWhen } from '../../../hooks/answer-ok'
import { GroupMemberService } from './members.class'
import { groupMemberMethods, groupMemberPath } from './members.shared'

// Client calls only: validateQuery gives the call new params, and leaving (an internal call with no query) reads
// `params.groupDeleted` back from the params it passed.
const validateQuery = schemaHooks.validateQuery(memberRemoveQueryValidator)
const validateRemoveQuery = async (context: HookContext, next?: NextFunction) => {
  if (context.params.provider) await validateQuery(context, next)
  else if (next) await next()
}

export const groupMembers = (app: Application) => {
  app.use(groupMemberPath, new GroupMemberService(app), { methods: [...groupMemberMethods], events: [] })
  app.service(groupMemberPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: {
      find: [requireGroupMember],
      get: [requireGroupMember],
      create: [
        requireGroupRole('owner', 'admin'),
        schemaHooks.validateData(groupMemberDataValidator),
        onlyOwnerGrantsAdmin
      ],
      remove: [
        requireGroupRole('owner', 'admin'),
        validateRemoveQuery, // `?ban=true` (SPEC §15)
        protectOwnerAndAdmins
      ]
    },
    after: {
      // chat lists: src/caches/chat-lists.ts
      create: [answerOkWhen((context) => context.result.length === 0)]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [groupMemberPath]: GroupMemberService
  }
}

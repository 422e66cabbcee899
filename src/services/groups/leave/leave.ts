import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import { Type } from '@feathersjs/typebox'
import type { Application } from '../../../declarations'
import { requireGroupMember } from '../../../hooks/authorization/require-group-role'
import { noEvents } from '../../../hooks/no-events'
import { answerOk } from '../../../hooks/answer-ok'
import { dataValidator, lazyValidator } from '../../../validators'
import { LeaveGroupService } from './leave.class'
import { leaveGroupMethods, leaveGroupPath } from './leave.shared'

const leaveDataValidator = lazyValidator(Type.Object({}, { additionalProperties: false }), dataValidator)

export const leaveGroup = (app: Application) => {
  app.use(leaveGroupPath, new LeaveGroupService(app), { methods: [...leaveGroupMethods], events: [] })
  app.service(leaveGroupPath).hooks({
    around: { all: [authenticate('jwt')] },
    before: { create: [requireGroupMember, schemaHooks.validateData(leaveDataValidator), noEvents] },
    after: { create: [answerOk] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [leaveGroupPath]: LeaveGroupService
  }
}

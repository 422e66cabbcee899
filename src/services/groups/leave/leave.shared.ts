import type { ClientApplication } from '../../../client'
import type { GroupMember } from '../groups.schema'

export const leaveGroupPath = 'api/groups/:group_id/leave'
export const leaveGroupMethods = ['create'] as const
export type LeaveGroupClientService = {
  create(
    data: Record<string, never>,
    params: { route: { group_id: string } }
  ): Promise<GroupMember & { group_deleted: boolean }>
}

export const leaveGroupClient = (client: ClientApplication) => {
  client.use(leaveGroupPath, client.get('connection').service(leaveGroupPath), {
    methods: [...leaveGroupMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [leaveGroupPath]: LeaveGroupClientService
  }
}

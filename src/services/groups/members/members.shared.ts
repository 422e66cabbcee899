import type { ClientApplication } from '../../../client'
import type { GroupMember, GroupMemberData } from '../groups.schema'

export type { GroupMember, GroupMemberData }
export const groupMemberPath = 'api/groups/:group_id/members'
export const groupMemberMethods = ['find', 'get', 'create', 'remove'] as const
type Route = { route: { group_id: string } }
export type GroupMemberClientService = {
  find(params: Route): Promise<GroupMember[]>
  get(id: string, params: Route): Promise<GroupMember>
  create(data: GroupMemberData, params: Route): Promise<GroupMember[]>
  remove(id: string, params: Route): Promise<GroupMember>
}

export const groupMemberClient = (client: ClientApplication) => {
  client.use(groupMemberPath, client.get('connection').service(groupMemberPath), {
    methods: [...groupMemberMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [groupMemberPath]: GroupMemberClientService
  }
}

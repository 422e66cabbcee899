// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type { Group, GroupData, GroupPatch } from './groups.schema'

export type { Group, GroupData, GroupPatch }
export const groupPath = 'api/groups'
export const groupMethods = ['get', 'create', 'update', 'patch', 'remove'] as const

export type GroupClientService = {
  get(id: string): Promise<Group>
  create(data: GroupData): Promise<Group>
  update(id: string, data: GroupPatch): Promise<Group>
  patch(id: string, data: GroupPatch): Promise<Group>
  remove(id: string): Promise<Group>
}

export const groupClient = (client: ClientApplication) => {
  client.use(groupPath, client.get('connection').service(groupPath), { methods: [...groupMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [groupPath]: GroupClientService
  }
}

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { GroupBan, GroupBanPage, GroupBanQuery } from '../moderation.schema'

export type { GroupBan, GroupBanPage, GroupBanQuery }

export const groupBanPath = 'api/groups/:group_id/bans'
export const groupBanMethods = ['find', 'remove'] as const

type Route = { route: { group_id: string } }

export type GroupBanClientService = {
  find(params: Route & { query?: GroupBanQuery }): Promise<GroupBanPage>
  remove(userId: string, params: Route): Promise<GroupBan>
}

export const groupBanClient = (client: ClientApplication) => {
  client.use(groupBanPath, client.get('connection').service(groupBanPath), { methods: [...groupBanMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [groupBanPath]: GroupBanClientService
  }
}

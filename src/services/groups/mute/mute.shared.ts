// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { Mute, MuteData } from '../moderation.schema'

export type { Mute, MuteData }

export const mutePath = 'api/groups/:group_id/members/:member_id/mute'
export const muteMethods = ['create', 'remove'] as const

type Route = { route: { group_id: string; member_id: string } }

export type MuteClientService = {
  create(data: MuteData, params: Route): Promise<Mute>
  remove(id: null, params: Route): Promise<Mute>
}

export const muteClient = (client: ClientApplication) => {
  client.use(mutePath, client.get('connection').service(mutePath), { methods: [...muteMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [mutePath]: MuteClientService
  }
}

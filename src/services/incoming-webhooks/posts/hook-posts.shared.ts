// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { Message } from '../../messages/messages.schema'
import type { HookPostData } from '../incoming-webhooks.schema'

export type { HookPostData }

export const hookPostPath = 'api/hooks/:token'
export const hookPostMethods = ['create'] as const

export type HookPostClientService = {
  create(data: HookPostData, params: { route: { token: string } }): Promise<Message>
}

export const hookPostClient = (client: ClientApplication) => {
  client.use(hookPostPath, client.get('connection').service(hookPostPath), { methods: [...hookPostMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [hookPostPath]: HookPostClientService
  }
}

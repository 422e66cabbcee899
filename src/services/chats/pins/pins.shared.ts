// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { Pin, PinData, PinPage, PinQuery } from './pins.schema'

export type { Pin, PinData, PinPage, PinQuery }

export const pinPath = 'api/chats/:chat_id/pins'
export const pinMethods = ['find', 'create', 'remove'] as const

type Route = { route: { chat_id: string } }

export type PinClientService = {
  find(params: Route & { query?: PinQuery }): Promise<PinPage>
  create(data: PinData, params: Route): Promise<Pin>
  remove(messageId: string, params: Route): Promise<Pin>
}

export const pinClient = (client: ClientApplication) => {
  client.use(pinPath, client.get('connection').service(pinPath), { methods: [...pinMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [pinPath]: PinClientService
  }
}

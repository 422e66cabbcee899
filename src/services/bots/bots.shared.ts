// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type { Bot, BotData, BotPage, BotQuery, BotWithToken } from './bots.schema'

export type { Bot, BotData, BotPage, BotQuery, BotWithToken }

export const botPath = 'api/bots'
export const botMethods = ['find', 'create', 'remove'] as const
export const botTokenPath = 'api/bots/:bot_id/token'
export const botTokenMethods = ['create'] as const

export type BotClientService = {
  find(params?: { query?: BotQuery }): Promise<BotPage>
  create(data: BotData): Promise<BotWithToken>
  remove(botId: string): Promise<Bot>
}

export type BotTokenClientService = {
  create(data: Record<string, never>, params: { route: { bot_id: string } }): Promise<BotWithToken>
}

export const botClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(botPath, connection.service(botPath), { methods: [...botMethods] })
  client.use(botTokenPath, connection.service(botTokenPath), { methods: [...botTokenMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [botPath]: BotClientService
    [botTokenPath]: BotTokenClientService
  }
}

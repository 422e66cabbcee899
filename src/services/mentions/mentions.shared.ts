// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../client'
import type { MentionPage, MentionQuery } from './mentions.schema'

export type { MentionPage, MentionQuery }

export const mentionPath = 'api/mentions'
export const mentionMethods = ['find'] as const

export type MentionClientService = {
  find(params?: { query?: MentionQuery }): Promise<MentionPage>
}

export const mentionClient = (client: ClientApplication) => {
  client.use(mentionPath, client.get('connection').service(mentionPath), { methods: [...mentionMethods] })
}

declare module '../../client' {
  interface ServiceTypes {
    [mentionPath]: MentionClientService
  }
}

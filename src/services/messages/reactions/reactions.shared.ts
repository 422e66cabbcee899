// For more information about this file see https://dove.feathersjs.com/guides/cli/service.shared.html
import type { ClientApplication } from '../../../client'
import type { ReactionData, ReactionEvent, ReactionSummary } from './reactions.schema'

export type { ReactionData, ReactionEvent, ReactionSummary }

export const reactionPath = 'api/messages/:message_id/reactions'
export const reactionMethods = ['find', 'create', 'remove'] as const

type Route = { route: { message_id: string } }

export type ReactionClientService = {
  find(params: Route): Promise<ReactionSummary[]>
  create(data: ReactionData, params: Route): Promise<ReactionEvent>
  remove(emoji: string, params: Route): Promise<ReactionEvent>
}

export const reactionClient = (client: ClientApplication) => {
  client.use(reactionPath, client.get('connection').service(reactionPath), { methods: [...reactionMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [reactionPath]: ReactionClientService
  }
}

import type { ClientApplication } from '../../../client'
import type { LoginData, TokenPair } from '../auth.schema'

export type { LoginData, TokenPair }
export const loginPath = 'api/auth/login'
export const loginMethods = ['create'] as const
export type LoginClientService = { create(data: LoginData): Promise<TokenPair> }

export const loginClient = (client: ClientApplication) => {
  client.use(loginPath, client.get('connection').service(loginPath), { methods: [...loginMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [loginPath]: LoginClientService
  }
}

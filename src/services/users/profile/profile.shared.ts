import type { ClientApplication } from '../../../client'
import type { User } from '../users.schema'
import type { ProfileData } from './profile.schema'

export type { ProfileData }
export const profilePath = 'api/users/profile'
export const profileMethods = ['find', 'update', 'patch'] as const
export type ProfileClientService = {
  find(): Promise<User>
  update(id: null, data: ProfileData): Promise<User>
  patch(id: null, data: ProfileData): Promise<User>
}

export const profileClient = (client: ClientApplication) => {
  client.use(profilePath, client.get('connection').service(profilePath), { methods: [...profileMethods] })
}

declare module '../../../client' {
  interface ServiceTypes {
    [profilePath]: ProfileClientService
  }
}

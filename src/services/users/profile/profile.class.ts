import type { NullableId, Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { User } from '../users.schema'
import type { ProfileData } from './profile.schema'

/** `GET|PUT|PATCH /api/users/profile`: the caller's own account, through the users service. */
export class ProfileService {
  constructor(private readonly app: Application) {}

  async find(params: Params): Promise<User> {
    return this.app.service('api/users').get(params.user!.user_id, { user: params.user })
  }

  // PUT changes the fields it is given (the seed's semantics), like PATCH.
  async update(_id: NullableId, data: ProfileData, params: Params): Promise<User> {
    return this.change(data, params)
  }

  async patch(_id: NullableId, data: ProfileData, params: Params): Promise<User> {
    return this.change(data, params)
  }

  // The users service emits the `patched` event; this one emits none.
  private change(data: ProfileData, params: Params): Promise<User> {
    return this.app.service('api/users').patch(params.user!.user_id, data, { user: params.user })
  }
}

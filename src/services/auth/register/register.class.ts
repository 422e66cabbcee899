import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { RegisterData } from '../auth.schema'
import type { User } from '../../users/users.schema'

/** `POST /api/auth/register`: creates the account through the users service (internal call). */
export class RegisterService {
  constructor(private readonly app: Application) {}

  async create(data: RegisterData, _params?: Params): Promise<User> {
    const user = await this.app.service('api/users').create(data)
    return { ...user } // a plain copy: the caller's own view is resolved by this service, not the users one
  }
}

import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { UserPage } from '../users.schema'
import type { UserSearchQuery } from './search.schema'

/** `GET /api/users/search?q=`: case-insensitive prefix search on the name (never the email), paginated. */
export class UserSearchService {
  constructor(private readonly app: Application) {}

  async find(params: Params<UserSearchQuery>): Promise<UserPage> {
    return this.app
      .service('api/users')
      .find({ query: params.query, user: params.user, paginate: undefined }) as Promise<UserPage>
  }
}

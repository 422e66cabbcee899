// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html#database-services
import type { Params } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterParams, KnexAdapterOptions } from '@feathersjs/knex'
import type { Application } from '../../declarations'
import { offsetPage } from '../../validators'
import type { User, UserData, UserPatch, UserQuery } from './users.schema'

export type { User, UserData, UserPatch, UserQuery }

export interface UserParams extends KnexAdapterParams<UserQuery> {}

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`)

// Users are addressed by their public `user_id`; the serial `id` stays internal.
// The ServiceParams generic lets the client re-type params (generator convention).
export class UserService<_ServiceParams extends Params = UserParams> extends KnexService<
  User,
  UserData,
  UserParams,
  UserPatch
> {
  /**
   * `q` is a case-insensitive prefix search on the name (served by a prefix index). Never on the email:
   * emails are hidden from other users, and a search that matched them confirmed them a prefix at a time.
   * A paginated find answers the project's offset page (`{data, limit, skip, has_more}`): it reads one row
   * past the page instead of counting the matches. `paginate: false` gives the plain array.
   */
  async find(params?: UserParams & { paginate?: any }): Promise<any> {
    const { q, ...query } = params?.query ?? {}
    const knex = q
      ? this.createQuery({ ...params, query } as UserParams)
          .whereRaw('lower(name) LIKE ?', [`${escapeLike(q.trim().toLowerCase())}%`])
          .orderByRaw('lower(name), id')
      : params?.knex
    const { filters, paginate } = this.filterQuery({ ...params, query } as UserParams)
    if (!paginate || !paginate.default) return super.find({ ...params, query, knex } as any)
    const limit: number = filters.$limit
    const skip: number = filters.$skip ?? 0
    const rows = (await super.find({
      ...params,
      query: { ...query, $limit: limit + 1, $skip: skip },
      knex,
      paginate: false
    } as any)) as unknown as User[]
    return offsetPage(rows, limit, skip)
  }

  /** `q` searches a list; on one user the adapter would read it as a column ("column q does not exist"). */
  async get(id: string, params?: UserParams): Promise<User> {
    const { q: _q, ...query } = params?.query ?? {}
    return super.get(id, { ...params, query } as UserParams)
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => {
  return {
    paginate: { default: app.get('paginate').default, max: app.get('limits').searchPageMax },
    Model: app.get('postgresqlClient'),
    name: 'users',
    id: 'user_id'
  }
}

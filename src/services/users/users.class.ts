// For more information about this file see https://dove.feathersjs.com/guides/cli/service.class.html#database-services
import type { Params } from '@feathersjs/feathers'
import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterParams, KnexAdapterOptions } from '@feathersjs/knex'
import type { Application } from '../../declarations'
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
   */
  async find(params?: UserParams & { paginate?: any }): Promise<any> {
    const { q, ...query } = params?.query ?? {}
    if (!q) return super.find(params as any)
    const prefix = `${escapeLike(q.trim().toLowerCase())}%`
    const knex = this.createQuery({ ...params, query } as UserParams)
      .whereRaw('lower(name) LIKE ?', [prefix])
      .orderByRaw('lower(name), id')
    return super.find({ ...params, query, knex } as any)
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

// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { validateClientQuery } from '../../hooks/client-query'
import { UserService, getOptions } from './users.class'
import {
  userDataValidator,
  userPatchValidator,
  userQueryValidator,
  userResolver,
  userExternalResolver,
  userDataResolver,
  userPatchResolver,
  userQueryResolver,
  userClientFindQueryValidator,
  userClientGetQueryValidator
} from './users.schema'
import { userPath, userMethods } from './users.shared'

export * from './users.class'
export * from './users.schema'

/**
 * A ban takes effect at once: every session is revoked (access and refresh tokens stop working) and the
 * `banned` event makes every instance disconnect the user's sockets. Their messages stay.
 */
const enforceBan = async (context: HookContext) => {
  const users = Array.isArray(context.result) ? context.result : [context.result]
  const enforce = async () => {
    for (const user of users) {
      if (!user.banned_at || context.data?.banned_at === undefined) continue
      // `banned` first: the revocation announces each ended session, which detaches the user's connections, and
      // the `banned` listeners (channels.ts) find the sockets to close through those connections.
      context.app.service(userPath).emit('banned', { user_id: user.user_id })
      await context.app.get('refreshTokens').revokeUser(user.user_id)
      // Bots (SPEC §15): a banned owner's bots lose their tokens too (the owner may rotate new ones once unbanned).
      const bots: string[] = await context.app
        .get('postgresqlClient')('users')
        .where({ bot_owner_id: user.user_id })
        .pluck('user_id')
      for (const botId of bots) await context.app.get('refreshTokens').revokeUser(botId)
    }
  }
  // A patch inside a caller's transaction (the admin CLI writes the ban and its audit row together, SPEC §15):
  // the ban takes effect once it is committed; the caller awaits what `params.afterCommit` collects. (An array
  // the caller made: hooks replace `context.params` with copies, which keep the same array.)
  const trx = context.params.transaction?.trx
  if (trx && context.params.afterCommit)
    context.params.afterCommit.push(trx.executionPromise.then(enforce, () => undefined))
  else await enforce()
}

declare module '@feathersjs/feathers' {
  interface Params {
    /** What hooks left to do once the caller's transaction (`params.transaction`) has committed. */
    afterCommit?: Promise<void>[]
  }
}

// A configure function that registers the service and its hooks via `app.configure`
export const user = (app: Application) => {
  app.use(userPath, new UserService(getOptions(app)), {
    methods: [...userMethods],
    events: ['banned']
  })
  app.service(userPath).hooks({
    around: {
      all: [
        authenticate('jwt'),
        schemaHooks.resolveExternal(userExternalResolver),
        schemaHooks.resolveResult(userResolver)
      ]
    },
    before: {
      all: [schemaHooks.validateQuery(userQueryValidator), schemaHooks.resolveQuery(userQueryResolver)],
      find: [validateClientQuery(userClientFindQueryValidator)],
      get: [validateClientQuery(userClientGetQueryValidator)],
      create: [schemaHooks.validateData(userDataValidator), schemaHooks.resolveData(userDataResolver)],
      patch: [schemaHooks.validateData(userPatchValidator), schemaHooks.resolveData(userPatchResolver)],
      remove: []
    },
    after: {
      all: [],
      patch: [enforceBan] // caches (user:, identities, chat lists) forget the user: src/caches/
    },
    error: {
      all: []
    }
  })
}

// Add this service to the service type index
declare module '../../declarations' {
  interface ServiceTypes {
    [userPath]: UserService
  }
}

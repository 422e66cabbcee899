// `api/authentication` remove (the Feathers client's logout) needs the caller's access token: Feathers'
// service reads `params.authentication.accessToken` and, without one (no Authorization header, an anonymous
// socket), failed with a TypeError, a 500. Here that is the 401 it is.
import { NotAuthenticated } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'

export const requireAccessToken = async (context: HookContext) => {
  const token = context.params.authentication?.accessToken
  if (context.params.provider && typeof token !== 'string') throw new NotAuthenticated('Not authenticated')
}

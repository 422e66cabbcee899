import { NotAuthenticated } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import { ownUserResolver, type RefreshData, type TokenPair } from '../auth.schema'

/** `POST /api/auth/refresh`: rotates the refresh token and issues a new access token of the same session. */
export class RefreshService {
  constructor(private readonly app: Application) {}

  async create(data: RefreshData, _params?: Params): Promise<TokenPair> {
    const issued = await this.app.get('refreshTokens').rotate(data.refresh_token)
    const user = await this.app.service('api/users').get(issued.userId)
    if (user.banned_at) {
      await this.app.get('refreshTokens').revokeUser(user.user_id)
      throw new NotAuthenticated('This account is banned')
    }
    const access_token = await this.app
      .service('api/authentication')
      .createAccessToken({ sid: issued.familyId }, { subject: user.user_id })
    return {
      access_token,
      refresh_token: issued.refreshToken,
      expires_in: this.app.get('jwt').accessExpire,
      user: await ownUserResolver.resolve({ ...user }, {} as any)
    }
  }
}

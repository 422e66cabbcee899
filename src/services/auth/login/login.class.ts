import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { LoginData, TokenPair } from '../auth.schema'

/**
 * `POST /api/auth/login`: the seed's login shape over the Feathers authentication service (local strategy),
 * so both paths share rate limits, bans, sessions, and a socket that logs in here is authenticated too.
 */
export class LoginService {
  constructor(private readonly app: Application) {}

  async create(data: LoginData, params: Params = {}): Promise<TokenPair> {
    const result = await this.app
      .service('api/authentication')
      .create({ strategy: 'local', email: data.email, password: data.password }, params)
    return {
      access_token: result.accessToken,
      refresh_token: result.refreshToken,
      expires_in: this.app.get('jwt').accessExpire,
      user: result.user
    }
  }
}

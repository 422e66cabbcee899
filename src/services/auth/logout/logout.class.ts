import type { Params } from '@feathersjs/feathers'
import type { Application } from '../../../declarations'
import type { LogoutData, LogoutResult } from '../auth.schema'

/**
 * `POST /api/auth/logout`: ends the session of the access token used (and of `refresh_token`, if it is one of
 * the caller's). Each session revoked is announced as this service's `ended` event (auth/refresh-tokens.ts),
 * however it ended: a logout, a replayed refresh token, a ban, the Feathers client's logout.
 */
export class LogoutService {
  constructor(private readonly app: Application) {}

  async create(data: LogoutData, params: Params & { authentication?: any } = {}): Promise<LogoutResult> {
    const tokens = this.app.get('refreshTokens')
    const userId = params.user!.user_id
    const sessionId: string = params.authentication?.payload?.sid
    await tokens.revokeFamily(sessionId)
    if (data.refresh_token) {
      const family = await tokens.familyOf(data.refresh_token)
      if (family && family.userId === userId) await tokens.revokeFamily(family.familyId)
    }
    return { user_id: userId, session_id: sessionId, logged_out: true }
  }
}

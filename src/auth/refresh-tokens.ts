// Refresh tokens: random, stored as a SHA-256 hash, one family per login session. Every use rotates the
// token; presenting a token that was already rotated is a replay, and revokes the whole family.
import crypto from 'node:crypto'
import { NotAuthenticated } from '@feathersjs/errors'
import { newId } from '../ids'
import type { Application } from '../declarations'

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')
const newToken = () => crypto.randomBytes(32).toString('base64url')

export interface IssuedToken {
  refreshToken: string
  familyId: string
  userId: string
  expiresAt: string
}

const INVALID = 'Invalid or expired refresh token'

export class RefreshTokens {
  constructor(private readonly app: Application) {}

  private get db() {
    return this.app.get('postgresqlClient')
  }

  private expiry() {
    return new Date(Date.now() + this.app.get('jwt').refreshExpire * 1000).toISOString()
  }

  /** Starts a new session (token family) for a user who just proved their credentials. */
  async issue(userId: string, familyId = newId()): Promise<IssuedToken> {
    const refreshToken = newToken()
    const expiresAt = this.expiry()
    await this.db('refresh_tokens').insert({
      user_id: userId,
      token_hash: hashToken(refreshToken),
      family_id: familyId,
      expires_at: expiresAt
    })
    return { refreshToken, familyId, userId, expiresAt }
  }

  /**
   * Exchanges a refresh token for a new one of the same family. The row is locked so two concurrent uses
   * of one token cannot both succeed: the second sees `used_at` and revokes the family.
   */
  async rotate(refreshToken: string): Promise<IssuedToken> {
    const outcome = await this.db.transaction(async (trx) => {
      const row = await trx('refresh_tokens')
        .where({ token_hash: hashToken(refreshToken) })
        .forUpdate()
        .first()
      if (!row || row.revoked_at) return { error: INVALID }
      if (row.used_at) {
        await trx('refresh_tokens')
          .where({ family_id: row.family_id })
          .whereNull('revoked_at')
          .update({ revoked_at: trx.fn.now() })
        return {
          error: 'Refresh token was already used; the session has been revoked',
          revokedFamily: row.family_id as string
        }
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return { error: INVALID }
      await trx('refresh_tokens').where({ id: row.id }).update({ used_at: trx.fn.now() })
      const next = newToken()
      const expiresAt = this.expiry()
      await trx('refresh_tokens').insert({
        user_id: row.user_id,
        token_hash: hashToken(next),
        family_id: row.family_id,
        expires_at: expiresAt
      })
      return { token: { refreshToken: next, familyId: row.family_id, userId: row.user_id, expiresAt } }
    })
    // Thrown after the transaction so a replay's revocation is committed, not rolled back.
    if ('error' in outcome) {
      if ('revokedFamily' in outcome && outcome.revokedFamily) {
        await this.ended([outcome.revokedFamily])
      }
      throw new NotAuthenticated(outcome.error)
    }
    return outcome.token as IssuedToken
  }

  /** The family a token belongs to, if the token is known (used or not). */
  async familyOf(refreshToken: string): Promise<{ familyId: string; userId: string } | undefined> {
    const row = await this.db('refresh_tokens')
      .where({ token_hash: hashToken(refreshToken) })
      .first()
    return row && { familyId: row.family_id, userId: row.user_id }
  }

  async revokeFamily(familyId: string) {
    await this.db('refresh_tokens')
      .where({ family_id: familyId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.db.fn.now() })
    await this.ended([familyId])
  }

  async revokeUser(userId: string) {
    const families: string[] = await this.db('refresh_tokens')
      .where({ user_id: userId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.db.fn.now() })
      .returning('family_id')
      .then((rows: Array<{ family_id: string }>) => [...new Set(rows.map((r) => r.family_id))])
    await this.ended(families)
  }

  /**
   * Revoked sessions: their `session:` entries go, then each is announced as the logout service's `ended`
   * event (synced to every instance), on which their sockets are detached and their remembered identities
   * dropped at once (realtime/index.ts, caches/identity.ts).
   */
  private async ended(families: string[]) {
    await this.app.get('accounts').forget({ sessions: families })
    for (const sessionId of families)
      this.app.service('api/auth/logout').emit('ended', { session_id: sessionId })
  }

  /**
   * A session is live while one of its tokens is neither revoked nor expired (cached for a few minutes), and
   * it is `userId`'s: a token naming one user and another user's session is refused. The cache holds the
   * session's owner, so a cached session answers for its owner only.
   */
  async isActive(familyId: string, userId: string) {
    const accounts = this.app.get('accounts')
    const owner = await accounts.sessionOwner(familyId)
    if (owner) return owner === userId
    const live = await this.app.get('identityLookups').sessionOwner(familyId) // batched per tick
    if (live) await accounts.rememberSession(familyId, live)
    return live === userId
  }
}

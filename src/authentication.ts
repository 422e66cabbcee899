// For more information about this file see https://dove.feathersjs.com/guides/cli/authentication.html
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import { AuthenticationService, JWTStrategy } from '@feathersjs/authentication'
import type { JwtVerifyOptions } from '@feathersjs/authentication'
import type { Secret, SignOptions } from 'jsonwebtoken'
import type {
  AuthenticationParams,
  AuthenticationRequest,
  AuthenticationResult
} from '@feathersjs/authentication'
import { LocalStrategy } from '@feathersjs/authentication-local'
import { NotAuthenticated, NotFound } from '@feathersjs/errors'
import { LRUCache } from 'lru-cache'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Params } from '@feathersjs/feathers'
import type { Application, HookContext } from './declarations'
import { IdentityCache } from './caches/identity'
import { IdentityLookups } from './auth/identity-lookups'
import { hashPassword } from './auth/passwords'
import { RefreshTokens } from './auth/refresh-tokens'
import { botTokenExp, findBotToken, isBotToken } from './auth/bot-tokens'
import { rateLimitLogin } from './hooks/rate-limit'
import { answerOk } from './hooks/answer-ok'
import { limitSocketsPerUser } from './hooks/limit-sockets-per-user'
import { requireAccessToken } from './hooks/authorization/require-access-token'
import { userExternalResolver, type User } from './services/users/users.schema'
import { authenticationDataValidator } from './services/auth/auth.schema'

export const authenticationPath = 'api/authentication'

declare module './declarations' {
  interface ServiceTypes {
    [authenticationPath]: AuthenticationService
  }
  interface Configuration {
    refreshTokens: RefreshTokens
    identityCache: IdentityCache
    identityLookups: IdentityLookups
  }
}

const refusedIfBanned = (user: User | undefined) => {
  if (user?.banned_at) throw new NotAuthenticated('This account is banned')
}

/** How many verified access tokens are remembered (oldest dropped first). */
const VERIFIED_TOKENS_KEPT = 10_000

/** How long a verified identity is reused (REST requests, socket calls, new sockets) without a lookup. */
const IDENTITY_REUSE_MS = 30_000

/**
 * Access tokens carry `sid`, the session (refresh-token family) they belong to. Logging out or replaying
 * a rotated refresh token ends the session, and its access tokens stop working at once.
 */
class SessionJwtStrategy extends JWTStrategy {
  /**
   * The user behind a token: from the `user:{id}` cache, else one lookup (cached for next time). The row stays
   * internal (params.user) without its password hash; services resolve what leaves.
   */
  async getEntity(id: string, _params: Params) {
    const accounts = this.app!.get('accounts')
    const cached = await accounts.user(id)
    if (cached) return cached
    // Batched with the other sockets authenticating in this tick (auth/identity-lookups.ts).
    const user = await this.app!.get('identityLookups').user(id)
    if (!user) throw new NotFound(`No record found for id '${id}'`)
    await accounts.rememberUser(user)
    return user
  }

  async authenticate(authentication: AuthenticationRequest, params: AuthenticationParams): Promise<any> {
    // Every REST request and every socket call runs this strategy. A token verified in the last 30 s skips
    // the user and session lookups (src/caches/identity.ts says what drops it sooner).
    const identities = this.app!.get('identityCache')
    let result: AuthenticationResult | undefined = identities.get(authentication.accessToken)
    if (!result && isBotToken(authentication.accessToken)) {
      result = await this.authenticateBot(authentication.accessToken, params)
    }
    if (!result) {
      result = (await super.authenticate(authentication, params)) as AuthenticationResult
      refusedIfBanned(result.user)
      const payload = result.authentication?.payload
      // The session must be live and belong to the token's user (the subject), not just exist.
      const sessions = this.app!.get('refreshTokens')
      if (!payload?.sid || !(await sessions.isActive(payload.sid, result.user.user_id))) {
        throw new NotAuthenticated('Session has ended, please log in again')
      }
      const until = Math.min(Date.now() + IDENTITY_REUSE_MS, (payload.exp ?? 0) * 1000)
      identities.set(authentication.accessToken, result, payload.sid, result.user.user_id, until)
    }
    return result
  }
  /**
   * Bots (SPEC §15): a bot token (`fcb_…`) is looked up by its hash; its session (a refresh-token family of
   * the bot, auth/bot-tokens.ts) must be live, so rotating or deleting the bot ends it like a logout. The
   * result looks like a JWT login's (payload `sub`, `sid`, `exp`), so sockets, channels and the identity
   * cache treat it alike.
   */
  private async authenticateBot(token: string, params: AuthenticationParams) {
    const found = await findBotToken(this.app!.get('postgresqlClient'), token)
    if (!found) throw new NotAuthenticated('Invalid bot token')
    const user = await this.getEntity(found.bot_id, params)
    refusedIfBanned(user)
    if (!user?.is_bot) throw new NotAuthenticated('Invalid bot token')
    const sessions = this.app!.get('refreshTokens')
    if (!(await sessions.isActive(found.session_id, found.bot_id))) {
      throw new NotAuthenticated('Invalid bot token')
    }
    const payload = { sub: found.bot_id, sid: found.session_id, exp: botTokenExp() }
    const until = Date.now() + IDENTITY_REUSE_MS
    const result = {
      accessToken: token,
      authentication: { strategy: 'jwt', accessToken: token, payload },
      user
    } as AuthenticationResult
    this.app!.get('identityCache').set(token, result, found.session_id, found.bot_id, until)
    return result
  }
}

/** Stands in for the account of an email nobody registered: its password never matches. */
const NOBODY = Symbol('no such account')

/** Email addresses are stored lower-cased; a login with any casing finds the account. */
export class EmailLocalStrategy extends LocalStrategy {
  private dummy?: Promise<string>

  /**
   * A bcrypt hash of a random password at the configured cost, made once. An unknown email is compared
   * against it, so it costs the same hashing work as a wrong password: answer times do not tell which
   * emails have an account (before: 6.8 ms against 76.5 ms, median).
   */
  dummyHash() {
    this.dummy ??= hashPassword(this.app as Application, randomBytes(32).toString('base64url'))
    return this.dummy
  }

  async findEntity(username: string, params: Params) {
    try {
      return await super.findEntity(
        String(username ?? '')
          .trim()
          .toLowerCase(),
        params
      )
    } catch (error) {
      if (!(error instanceof NotAuthenticated)) throw error
      return { [NOBODY]: true, [this.configuration.entityPasswordField]: await this.dummyHash() }
    }
  }

  async comparePassword(entity: any, password: string) {
    const result = await super.comparePassword(entity, password)
    if (entity[NOBODY]) throw new NotAuthenticated(this.configuration.errorMessage)
    return result
  }

  // The raw row stays internal; `externalUser` below shapes what the client receives.
  async getEntity(result: any) {
    return result
  }

  async authenticate(data: AuthenticationRequest, params: Params) {
    const result = await super.authenticate(data, params)
    // A bot never logs in with a password: the same answer as a wrong one (SPEC §15).
    if ((result as AuthenticationResult).user?.is_bot)
      throw new NotAuthenticated(this.configuration.errorMessage)
    refusedIfBanned((result as AuthenticationResult).user)
    return result
  }
}

export class ChatAuthenticationService extends AuthenticationService {
  private secretKey?: KeyObject

  /**
   * The HS256 secret as a KeyObject, built once. Given a string, jsonwebtoken first tries (and fails) to
   * parse it as a public/private key on every sign and verify: that exception path cost about 15 % of the
   * server's CPU per authenticated request in the history benchmark.
   */
  private get key() {
    this.secretKey ??= createSecretKey(Buffer.from(this.configuration.secret))
    return this.secretKey
  }

  async createAccessToken(payload: string | object, optsOverride?: SignOptions, secretOverride?: Secret) {
    return super.createAccessToken(payload, optsOverride, secretOverride ?? this.key)
  }

  /**
   * Verified tokens, so a client that sends the same token with every REST request is verified once: the
   * signature check (HMAC plus jsonwebtoken's parsing) is deterministic, and expiry is checked on every hit.
   * Revocation is not a property of the token; the session check runs on every request regardless.
   */
  private readonly verified = new LRUCache<string, { exp?: number }>({ max: VERIFIED_TOKENS_KEPT })

  async verifyAccessToken(accessToken: string, optsOverride?: JwtVerifyOptions, secretOverride?: Secret) {
    if (optsOverride || secretOverride)
      return super.verifyAccessToken(accessToken, optsOverride, secretOverride)
    const known = this.verified.get(accessToken)
    if (known && (known.exp === undefined || known.exp * 1000 > Date.now())) return { ...known }
    const payload = await super.verifyAccessToken(accessToken, undefined, this.key)
    this.verified.set(accessToken, { ...payload })
    return payload
  }

  /** A new login (local strategy) starts a session; re-authentication keeps the token's session. */
  async getPayload(authResult: AuthenticationResult, params: AuthenticationParams) {
    const payload = await super.getPayload(authResult, params)
    const existing = authResult.authentication?.payload?.sid
    if (existing) return { ...payload, sid: existing }
    const issued = await this.app.get('refreshTokens').issue(authResult.user.user_id)
    authResult.refreshToken = issued.refreshToken
    return { ...payload, sid: issued.familyId }
  }
}

/** The user in an authentication result leaves the server as that user sees themself. */
const externalUser = async (context: HookContext) => {
  const user = context.result?.user
  if (user) {
    const self = { ...context, params: { ...context.params, user } } as HookContext
    context.result = { ...context.result, user: await userExternalResolver.resolve(user, self) }
  }
}

/** Ending a session through the Feathers client (`client.logout()`) revokes it like `api/auth/logout`. */
const revokeSession = async (context: HookContext) => {
  const sid = context.result?.authentication?.payload?.sid
  // A bot's socket logging out only detaches; its token lives until the owner rotates it (SPEC §15).
  if (!sid || context.result?.user?.is_bot) return
  await context.app.get('refreshTokens').revokeFamily(sid)
}

export const authentication = (app: Application) => {
  const jwtExpire = app.get('jwt').accessExpire
  const settings = app.get('authentication')
  app.set('authentication', { ...settings, jwtOptions: { ...settings.jwtOptions, expiresIn: jwtExpire } })
  app.set('refreshTokens', new RefreshTokens(app))
  app.set('identityCache', new IdentityCache(IDENTITY_REUSE_MS))
  app.set('identityLookups', new IdentityLookups(() => app.get('postgresqlClient')))

  const authService = new ChatAuthenticationService(app)
  authService.register('jwt', new SessionJwtStrategy())
  const local = new EmailLocalStrategy()
  authService.register('local', local)
  void local.dummyHash() // made now, so not even the first unknown email answers sooner

  app.use(authenticationPath, authService, { methods: ['create', 'remove'], events: [] })
  app.service(authenticationPath).hooks({
    before: {
      create: [schemaHooks.validateData(authenticationDataValidator), rateLimitLogin],
      remove: [requireAccessToken]
    },
    after: { create: [limitSocketsPerUser, externalUser, answerOk], remove: [revokeSession, externalUser] }
  })
}

// The accounts routes of the OpenAPI document (see ./index.ts).
import {
  authenticationRequestSchema,
  authenticationResultSchema,
  loginDataSchema,
  logoutDataSchema,
  logoutResultSchema,
  refreshDataSchema,
  registerDataSchema,
  tokenPairSchema
} from '../../services/auth/auth.schema'
import { publicUserSchema } from '../../services/users/users.schema'
import * as ex from '../examples'
import { json, type RouteDoc } from './types'

export const accountsRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/auth/register',
    tag: 'accounts',
    summary: 'Create an account',
    description: 'The email is stored lower-cased; a duplicate in any casing is a 409. Rate-limited per IP.',
    feathers: { service: 'api/auth/register', method: 'create' },
    auth: 'none',
    body: {
      schema: registerDataSchema,
      example: { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct horse battery' }
    },
    responses: { 201: json(publicUserSchema, ex.exampleUser, 'The new user (with its email)') },
    errors: [409, 429]
  },
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'accounts',
    summary: 'Log in with email and password',
    description:
      'Starts a session: an access token (JWT) and a one-use refresh token. A wrong email or password gets ' +
      'the same 401. Rate-limited per IP and per email.',
    feathers: { service: 'api/auth/login', method: 'create' },
    auth: 'none',
    body: {
      schema: loginDataSchema,
      example: { email: 'ada@example.com', password: 'correct horse battery' }
    },
    responses: { 200: json(tokenPairSchema, ex.exampleTokenPair, 'Tokens and the user') },
    errors: [429]
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    tag: 'accounts',
    summary: 'Exchange a refresh token for a new pair',
    description:
      'The old refresh token is dead afterwards; replaying it ends the whole session (theft detection).',
    feathers: { service: 'api/auth/refresh', method: 'create' },
    auth: 'none',
    body: { schema: refreshDataSchema, example: { refresh_token: ex.exampleTokenPair.refresh_token } },
    responses: { 200: json(tokenPairSchema, ex.exampleTokenPair, 'A new pair') },
    errors: [401]
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'accounts',
    summary: 'End the session',
    description:
      "Ends the bearer token's session (and the one of `refresh_token` if given); the session's sockets " +
      'are detached at once.',
    feathers: { service: 'api/auth/logout', method: 'create' },
    auth: 'bearer',
    body: { schema: logoutDataSchema, required: false, example: {} },
    responses: {
      200: json(logoutResultSchema, { user_id: ex.exampleIds.ada, session_id: 'a1b2c3', logged_out: true })
    }
  },
  {
    method: 'post',
    path: '/api/authentication',
    tag: 'accounts',
    summary: 'Feathers authentication (local or jwt strategy)',
    description:
      'What `@feathersjs/authentication-client` calls: `{strategy: "local", email, password}` logs in (like ' +
      '`/api/auth/login`), `{strategy: "jwt", accessToken}` re-authenticates (over Socket.IO it also ' +
      "authenticates the connection and joins the user's channels).",
    feathers: { service: 'api/authentication', method: 'create' },
    auth: 'none',
    body: {
      schema: authenticationRequestSchema,
      example: { strategy: 'local', email: 'ada@example.com', password: 'correct horse battery' }
    },
    responses: {
      200: json(authenticationResultSchema, {
        accessToken: ex.exampleTokenPair.access_token,
        authentication: { strategy: 'local' },
        user: ex.exampleUser,
        refreshToken: ex.exampleTokenPair.refresh_token
      })
    },
    errors: [401, 429]
  },
  {
    method: 'delete',
    path: '/api/authentication',
    tag: 'accounts',
    summary: 'Feathers logout',
    description: "What the Feathers client's `logout()` calls: ends the bearer token's session.",
    feathers: { service: 'api/authentication', method: 'remove' },
    auth: 'bearer',
    responses: {
      200: json(authenticationResultSchema, {
        accessToken: ex.exampleTokenPair.access_token,
        authentication: { strategy: 'jwt', accessToken: ex.exampleTokenPair.access_token },
        user: ex.exampleUser
      })
    }
  }
]

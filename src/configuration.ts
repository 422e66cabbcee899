// For more information about this file see https://dove.feathersjs.com/guides/cli/app.html#configuration
// The settings schema, validated at boot. Errors name the environment variable that set the bad value.
import fs from 'node:fs'
import path from 'node:path'
import { Ajv, addFormats } from '@feathersjs/schema'
import { Type, type Static } from '@feathersjs/typebox'
import { findConfigDir } from './env'
import type { Application, Configuration } from './declarations'

/** The example secret from `.env.example` and the seed: refused in production. */
export const EXAMPLE_JWT_SECRET = 'your_super_secret_key_change_in_production'

const positiveInt = (options = {}) => Type.Integer({ minimum: 1, ...options })

export const configurationSchema = Type.Object(
  {
    serverAddr: Type.String({ pattern: '^([^:]*):(\\d{1,5})$' }),
    /** Connections the kernel holds completed for accept() (capped by net.core.somaxconn). */
    listenBacklog: positiveInt(),
    host: Type.String(),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    trustProxy: Type.Boolean(),
    env: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')]),
    origins: Type.Array(Type.String({ minLength: 1 })),
    paginate: Type.Object({ default: positiveInt(), max: positiveInt() }),
    database: Type.Object({
      url: Type.String(),
      host: Type.String(),
      port: positiveInt({ maximum: 65535 }),
      user: Type.String(),
      password: Type.String(),
      name: Type.String(),
      sslMode: Type.Union(
        ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'].map((m) => Type.Literal(m))
      ),
      pgliteDir: Type.String(),
      poolMax: positiveInt(),
      migrateOnStart: Type.Boolean()
    }),
    redis: Type.Object({
      url: Type.String(),
      host: Type.String(),
      port: positiveInt({ maximum: 65535 }),
      db: Type.Integer({ minimum: 0, maximum: 15 }),
      sentinels: Type.String(),
      sentinelName: Type.String(),
      clusterNodes: Type.String(),
      keyPrefix: Type.String()
    }),
    // Empty (or the example) means "not configured": see the checks below and src/auth/jwt-secret.ts.
    authentication: Type.Object({ secret: Type.String() }, { additionalProperties: true }),
    dataDir: Type.String({ minLength: 1 }),
    jwt: Type.Object({ accessExpire: positiveInt(), refreshExpire: positiveInt() }),
    uploads: Type.Object({
      dir: Type.String({ minLength: 1 }),
      maxFileSize: positiveInt(),
      quotaBytesPerUser: positiveInt()
    }),
    logging: Type.Object({
      level: Type.Union(
        ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l))
      ),
      format: Type.Union([Type.Literal('json'), Type.Literal('text')])
    }),
    presence: Type.Object({
      ttlMs: positiveInt({ minimum: 100 }),
      heartbeatMs: positiveInt({ minimum: 50 })
    }),
    websocket: Type.Object({ readBufferSize: positiveInt(), writeBufferSize: positiveInt() }),
    limits: Type.Object({
      bodyBytes: positiveInt(),
      // NIST SP 800-63B: never fewer than 8 characters.
      passwordMinLength: positiveInt({ minimum: 8, maximum: 72 }),
      searchPageMax: positiveInt(),
      loginPerIpPerMinute: positiveInt(),
      loginPerEmailAndIpPerMinute: positiveInt(),
      loginPerEmailPerMinute: positiveInt(),
      loginSlowdownMaxMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
      registerPerIpPerMinute: positiveInt(),
      userSearchPerUserPerMinute: positiveInt(),
      messageMaxLength: positiveInt({ maximum: 100_000 }),
      typingTimeoutMs: positiveInt(),
      groupMaxMembers: positiveInt({ minimum: 2 }),
      messagesPerUserPer10s: positiveInt(),
      uploadsPerUserPerMinute: positiveInt(),
      // Incoming webhooks (SPEC §15)
      incomingWebhooksPerChat: positiveInt(),
      incomingWebhookPostsPerMinute: positiveInt(),
      socketEventsPerSecond: positiveInt(),
      maxSocketsPerUser: positiveInt(),
      connectionsPerIpPerMinute: positiveInt(),
      maxConcurrentCalls: positiveInt(),
      maxQueuedCalls: Type.Integer({ minimum: 0 }),
      maxConcurrentUploads: positiveInt(),
      maxConcurrentUploadsPerUser: positiveInt(),
      admissionStallMs: positiveInt(),
      bodyIdleTimeoutMs: positiveInt(),
      bodyTimeoutMs: positiveInt(),
      // Moderation (SPEC §15): the longest mute a group owner or admin can set.
      muteMaxDays: positiveInt({ maximum: 3650 })
    }),
    // Outgoing webhooks (SPEC §15)
    webhooks: Type.Object({
      allowPrivateTargets: Type.Boolean(),
      timeoutMs: positiveInt({ maximum: 60_000 }),
      maxConsecutiveFailures: positiveInt(),
      retryBaseMs: positiveInt(),
      retryMaxMs: positiveInt(),
      pollMs: positiveInt({ minimum: 10 }),
      maxPerChat: positiveInt(),
      concurrency: positiveInt({ maximum: 256 }),
      retentionDays: positiveInt()
    }),
    // Bots (SPEC §15)
    bots: Type.Object({ maxPerOwner: positiveInt() })
  },
  { additionalProperties: true }
)

export type AppConfiguration = Static<typeof configurationSchema>

/** Maps a settings path such as `uploads.maxFileSize` to the environment variable that sets it. */
const envNames = (() => {
  const file = path.join(findConfigDir(), 'custom-environment-variables.json')
  const names = new Map<string, string>()
  const walk = (node: any, prefix: string[]) => {
    if (typeof node === 'string') names.set(prefix.join('.'), node)
    else if (node && typeof node.__name === 'string') names.set(prefix.join('.'), node.__name)
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(v, [...prefix, k])
  }
  walk(JSON.parse(fs.readFileSync(file, 'utf8')), [])
  return names
})()

const describePath = (settingsPath: string) => {
  const parts = settingsPath.split('.')
  for (let i = parts.length; i > 0; i--) {
    const name = envNames.get(parts.slice(0, i).join('.'))
    if (name) return `${name} (${settingsPath})`
  }
  return settingsPath
}

/**
 * Turns the raw settings (node-config output, where environment variables arrive as strings) into the
 * shape the app uses: `SERVER_ADDR` becomes host + port, `CORS_ALLOWED_ORIGINS` a list.
 */
export const normalizeSettings = (settings: Record<string, any>) => {
  const addr = String(settings.serverAddr ?? '')
  const match = /^([^:]*):(\d{1,5})$/.exec(addr)
  if (match) {
    settings.host = match[1] === '' ? '0.0.0.0' : match[1]
    settings.port = Number(match[2])
  }
  if (typeof settings.origins === 'string') {
    settings.origins = settings.origins
      .split(',')
      .map((o: string) => o.trim())
      .filter(Boolean)
  }
  return settings
}

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }), ['email', 'date-time', 'uri'])
const validate = ajv.compile(configurationSchema)

/** Throws one Error listing every bad setting by the environment variable that set it. */
export const assertValidConfiguration = (settings: Record<string, any>): void => {
  if (!validate(settings as unknown)) {
    const problems = (validate.errors ?? []).map((e) => {
      const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.')
      if (e.keyword === 'required') {
        // node-config drops a variable whose `__format` conversion failed, so it shows up as missing.
        const settingsPath = [base, e.params.missingProperty].filter(Boolean).join('.')
        return `${describePath(settingsPath)} is missing or not in the expected format`
      }
      const where = base ? describePath(base) : 'configuration'
      return `${where} ${e.message}${Number.isNaN(e.data) ? ' (got a value that is not a number)' : ''}`
    })
    throw new Error(`Invalid configuration:\n  - ${[...new Set(problems)].join('\n  - ')}`)
  }
  const secret: string = settings.authentication.secret
  if (settings.env === 'production' && (!secret || secret === EXAMPLE_JWT_SECRET)) {
    throw new Error(
      `Invalid configuration: JWT_SECRET is ${secret ? 'the example secret' : 'not set'}; set a real secret in production`
    )
  }
  if (secret && secret.length < 16) {
    throw new Error(
      'Invalid configuration: JWT_SECRET (authentication.secret) must be at least 16 characters'
    )
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Merges `overrides` over config/ (objects one level deep, e.g. a database URL or limits for one test),
 * then normalizes and validates the result.
 */
export const applySettings = (
  app: Application,
  overrides: Partial<Record<keyof Configuration, any>> = {}
) => {
  for (const [key, value] of Object.entries(overrides)) {
    const current = app.get(key as keyof Configuration)
    app.set(
      key as keyof Configuration,
      isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value
    )
  }
  normalizeSettings(app.settings as Record<string, any>)
  assertValidConfiguration(app.settings as Record<string, any>)
}

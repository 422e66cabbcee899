// For more information about this file see https://dove.feathersjs.com/guides/cli/typescript.html
import { HookContext as FeathersHookContext, NextFunction } from '@feathersjs/feathers'
import { Application as FeathersApplication } from '@feathersjs/koa'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { AppConfiguration } from './configuration'
import type { User } from './services/users/users.schema'

export type { NextFunction }

/** Where a running server shares its PGlite (src/pglite-share.ts writes it next to the data folder). */
export interface ShareInfo {
  pid: number
  /** The folder holding the socket (node-pg's `host` for a Unix socket). */
  host: string
  port: number
  /** The events socket. */
  events: string
}

// The types for app.get(name) and app.set(name)
export interface Configuration extends Omit<AppConfiguration, 'authentication'> {
  authentication: { secret: string; [key: string]: any }
  postgresqlClient: Knex
  /** 'postgres' for a PostgreSQL server, 'pglite' for the embedded database. */
  databaseKind: 'postgres' | 'pglite'
  /** The PGlite folder this process opened (unset on PostgreSQL, in memory, or through a server's share). */
  embeddedDatabaseDir?: string
  /** The running server whose PGlite this process reaches through its socket (pglite-share.ts). */
  sharedPglite?: ShareInfo
  logger: Logger
}

// A mapping of service names to types. Will be extended in service files.
export interface ServiceTypes {}

// The application instance type that will be used everywhere else
export type Application = FeathersApplication<ServiceTypes, Configuration>

// The context for hook functions - can be typed with a service class
export type HookContext<S = any> = FeathersHookContext<Application, S>

// Add the user as an optional property to all params
declare module '@feathersjs/feathers' {
  interface Params {
    user?: User
    /** Client IP address, set for REST (Koa) and Socket.IO calls; used by rate limits. */
    ip?: string
    /**
     * Set by idempotent services (pins, reactions): false when the call found everything already as asked;
     * src/hooks/silence-unchanged.ts then drops the event (and a create answers 200).
     */
    changed?: boolean
  }
}

// For more information about this file see https://dove.feathersjs.com/api/channels.html
// The one place that decides who hears what. Every connection of a signed-in user joins `users/<user_id>`;
// events are published to the narrowest channel that may see them, and anything not listed goes nowhere.
import type { RealTimeConnection } from '@feathersjs/feathers'
import '@feathersjs/transport-commons'
import type { Application } from './declarations'

export const userChannel = (userId: string) => `users/${userId}`

type ChatConnection = RealTimeConnection & { userId?: string; sessionId?: string }

/** Detaches a connection from every channel: it hears nothing until it authenticates again. */
const detach = (app: Application, connection: ChatConnection) => {
  if (app.channels.length > 0) app.channel(app.channels).leave(connection)
  delete connection.userId
  delete connection.sessionId
}

export const channels = (app: Application) => {
  app.on('connection', (connection: RealTimeConnection) => {
    app.channel('anonymous').join(connection)
  })

  // Runs on every authentication of a real-time connection, including reAuthenticate() on a live socket.
  app.on('login', (authResult: any, { connection }: { connection?: ChatConnection }) => {
    if (!connection) return // REST logins have no connection
    const userId: string = authResult.user.user_id
    if (connection.userId && connection.userId !== userId) detach(app, connection)
    connection.userId = userId
    connection.sessionId = authResult.authentication?.payload?.sid
    app.channel('anonymous').leave(connection)
    app.channel('authenticated').join(connection)
    app.channel(userChannel(userId)).join(connection)
  })

  app.on('logout', (_authResult: any, { connection }: { connection?: ChatConnection }) => {
    if (connection) {
      detach(app, connection)
      app.channel('anonymous').join(connection)
    }
  })

  // `api/auth/logout` (REST or socket) ends a session: every connection of that session stops hearing events.
  app.service('api/auth/logout').on('created', (result: { session_id: string }) => {
    if (app.channels.length === 0) return
    for (const connection of app.channel(app.channels).connections as ChatConnection[]) {
      if (connection.sessionId === result.session_id) detach(app, connection)
    }
  })

  // Nothing is published unless a rule below says so.
  app.publish(() => undefined)
  app.service('api/auth/logout').publish(() => undefined)
  app.service('api/users').publish('patched', (user: any) => app.channel(userChannel(user.user_id)))
}

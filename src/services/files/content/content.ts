import { authenticate } from '@feathersjs/authentication'
import type { Application, HookContext } from '../../../declarations'
import { acceptQueryToken, requireFileAccess } from '../../../hooks/authorization/require-file-access'
import { restOnly } from '../../../hooks/rest-only'
import { FileContentService } from './content.class'

export const fileContentPath = 'api/files/:file_id/content'

/** Moves the status and headers the service chose onto the HTTP response (Feathers `context.http`). */
const httpFromParams = async (context: HookContext) => {
  const http = (context.params as any).http
  if (http) context.http = { ...context.http, ...http }
}

export const fileContent = (app: Application) => {
  // REST only: a byte stream does not travel over a Socket.IO acknowledgement.
  app.use(fileContentPath, new FileContentService(app), { methods: ['find'], events: [] })
  app.service(fileContentPath).hooks({
    before: { find: [restOnly, acceptQueryToken, authenticate('jwt'), requireFileAccess] },
    after: { find: [httpFromParams] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [fileContentPath]: FileContentService
  }
}

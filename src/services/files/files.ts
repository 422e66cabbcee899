// For more information about this file see https://dove.feathersjs.com/guides/cli/service.html
import { authenticate } from '@feathersjs/authentication'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../declarations'
import { requireFileAccess, requireUploader } from '../../hooks/authorization/require-file-access'
import { noEvents } from '../../hooks/no-events'
import { FileService } from './files.class'
import { fileExternalResolver } from './files.schema'
import { fileMethods, filePath } from './files.shared'

export const file = (app: Application) => {
  app.use(filePath, new FileService(app), { methods: [...fileMethods], events: [] })
  app.service(filePath).hooks({
    around: { all: [authenticate('jwt'), schemaHooks.resolveExternal(fileExternalResolver)] },
    before: {
      get: [requireFileAccess],
      // Files are private to their viewers: their removal is not broadcast (messages announce their tombstones).
      remove: [requireFileAccess, requireUploader, noEvents]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [filePath]: FileService
  }
}

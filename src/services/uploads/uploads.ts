import { authenticate } from '@feathersjs/authentication'
import { BadRequest } from '@feathersjs/errors'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../declarations'
import { noEvents } from '../../hooks/no-events'
import { restOnly } from '../../hooks/rest-only'
import { rateLimitUploads } from '../../hooks/rate-limit'
import { requireUploadQuota } from '../../hooks/upload-quota'
import { admitUpload } from '../../hooks/upload-admission'
import { fileExternalResolver, uploadDataValidator } from '../files/files.schema'
import { UploadService } from './uploads.class'
import { uploadMethods, uploadPath } from './uploads.shared'

/** Only a multipart REST request brings a file stream; a JSON body has none. */
const requireMultipart = async (context: HookContext) => {
  if (!context.params.upload) {
    throw new BadRequest(
      'Invalid data: file is required; send multipart/form-data with `purpose`, then `file`'
    )
  }
}

export const upload = (app: Application) => {
  app.use(uploadPath, new UploadService(app), { methods: [...uploadMethods], events: [] })
  app.service(uploadPath).hooks({
    around: {
      all: [authenticate('jwt'), schemaHooks.resolveExternal(fileExternalResolver)],
      create: [admitUpload]
    },
    before: {
      all: [restOnly],
      create: [
        rateLimitUploads,
        schemaHooks.validateData(uploadDataValidator),
        requireMultipart,
        requireUploadQuota,
        noEvents
      ]
    }
  })
}

declare module '../../declarations' {
  interface ServiceTypes {
    [uploadPath]: UploadService
  }
}
